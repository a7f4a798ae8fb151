/**
 * A local HTTP server that stands in for Resend's API, so tests run the real Resend SDK and can
 * read what it sent. Like Resend, a repeated Idempotency-Key returns the first message's id.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface ReceivedEmail {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: { from: string; to: string | string[]; subject: string; text: string; html: string; tags?: unknown };
}

export interface ResendStandIn {
  baseUrl: string;
  /** Every POST /emails received, repeats included. */
  requests: ReceivedEmail[];
  /** Emails actually delivered: one per idempotency key. */
  delivered(): ReceivedEmail[];
  close(): Promise<void>;
}

export async function startResendStandIn(): Promise<ResendStandIn> {
  const requests: ReceivedEmail[] = [];
  const idsByKey = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/emails') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'not_found', message: 'not found', statusCode: 404 }));
        return;
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      requests.push({ idempotencyKey: key, authorization: req.headers.authorization, body: JSON.parse(raw) });
      const id = (key && idsByKey.get(key)) ?? randomUUID();
      if (key) idsByKey.set(key, id);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    delivered() {
      const seen = new Set<string | undefined>();
      return requests.filter((request) => (seen.has(request.idempotencyKey) ? false : (seen.add(request.idempotencyKey), true)));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
