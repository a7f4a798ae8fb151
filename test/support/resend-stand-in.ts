/**
 * A local HTTP server that stands in for Resend's API, so tests run the real Resend SDK and can
 * read what it sent. Like Resend, a repeated Idempotency-Key returns the first message's id.
 * It can misbehave the ways a provider does: fail attempts with a 500, drop the connection, answer
 * slowly, or stall without answering.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface ReceivedEmail {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: { from: string; to: string | string[]; subject: string; text: string; html: string; tags?: unknown };
  /** When the stand-in accepted it (answered 200), in real time; undefined for a failed or dropped attempt. */
  acceptedAt?: number;
}

/** How the stand-in treats the next requests. */
export interface StandInBehaviour {
  /** Answer this many of the next requests with a 500. */
  failNext?: number;
  /** Drop the connection without an answer for this many of the next requests. */
  dropNext?: number;
  /** Answer every request after this many milliseconds. */
  delayMs?: number;
  /** Never answer (until `behave` changes it). */
  stall?: boolean;
}

export interface ResendStandIn {
  baseUrl: string;
  /** Every POST /emails received, failed and repeated ones included. */
  requests: ReceivedEmail[];
  /** Emails actually accepted: one per idempotency key. */
  delivered(): ReceivedEmail[];
  /** Changes how the next requests are treated. */
  behave(behaviour: StandInBehaviour): void;
  close(): Promise<void>;
}

export async function startResendStandIn(): Promise<ResendStandIn> {
  const requests: ReceivedEmail[] = [];
  const idsByKey = new Map<string, string>();
  let behaviour: StandInBehaviour = {};
  const stalled = new Set<ServerResponse>();

  function accept(received: ReceivedEmail, res: ServerResponse): void {
    if (res.destroyed) return; // the client gave up before the answer: nothing was accepted
    const key = received.idempotencyKey;
    const id = (key && idsByKey.get(key)) ?? randomUUID();
    if (key) idsByKey.set(key, id);
    received.acceptedAt = Date.now();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  }

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/emails') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'not_found', message: 'not found', statusCode: 404 }));
        return;
      }
      const received: ReceivedEmail = { idempotencyKey: req.headers['idempotency-key'] as string | undefined, authorization: req.headers.authorization, body: JSON.parse(raw) };
      requests.push(received);
      if (behaviour.failNext) {
        behaviour.failNext -= 1;
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'internal_server_error', message: 'stand-in failure', statusCode: 500 }));
        return;
      }
      if (behaviour.dropNext) {
        behaviour.dropNext -= 1;
        res.socket?.destroy();
        return;
      }
      if (behaviour.stall) {
        stalled.add(res);
        return;
      }
      if (behaviour.delayMs) setTimeout(() => accept(received, res), behaviour.delayMs);
      else accept(received, res);
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
      return requests.filter((request) => request.acceptedAt !== undefined && (seen.has(request.idempotencyKey) ? false : (seen.add(request.idempotencyKey), true)));
    },
    behave(next) {
      behaviour = { ...next };
    },
    close: () => new Promise((resolve) => {
      for (const res of stalled) res.socket?.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
