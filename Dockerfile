# One image, two roles: `worker` and `api` (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY templates ./templates
ENV NODE_ENV=production
ENTRYPOINT ["npx", "tsx", "src/cli/main.ts"]
CMD ["worker"]
