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
# node itself is PID 1, so `docker stop`'s SIGTERM reaches the engine and it drains; npx and its shell
# would end at once without passing the signal on, and the container would be killed mid-request.
ENTRYPOINT ["node", "--import", "tsx", "src/cli/main.ts"]
CMD ["worker"]
