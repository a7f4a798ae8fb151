/**
 * A local HTTP server that stands in for Twilio's Messages API, so tests run the real Twilio SDK and
 * can read every text it sent. Unlike an email provider it has no idempotency key: each accepted
 * request is one text on the customer's phone. It can fail attempts with a 500, refuse a number
 * (Twilio's 400 for an invalid "To"), drop the connection, or stall.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface ReceivedSms {
  accountSid: string;
  to: string;
  from: string;
  body: string;
  /** Whether the stand-in accepted it (answered 201): a text the customer got. */
  accepted: boolean;
}

export interface SmsStandInBehaviour {
  failNext?: number;
  dropNext?: number;
  /** Refuse texts to these numbers as Twilio refuses an invalid or unsubscribed one (400). */
  refuse?: string[];
  stall?: boolean;
}

export interface TwilioStandIn {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  requests: ReceivedSms[];
  /** Texts the customer received. */
  delivered(): ReceivedSms[];
  behave(behaviour: SmsStandInBehaviour): void;
  close(): Promise<void>;
}

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const requests: ReceivedSms[] = [];
  const stalled = new Set<ServerResponse>();
  let behaviour: SmsStandInBehaviour = {};
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
      const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expectedAuth) return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      if (req.method !== 'POST' || req.url !== path) return json(res, 404, { code: 20404, message: 'not found', status: 404 });
      const form = new URLSearchParams(raw);
      const received: ReceivedSms = { accountSid, to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '', accepted: false };
      requests.push(received);
      if (behaviour.failNext) {
        behaviour.failNext -= 1;
        return json(res, 500, { code: 20500, message: 'stand-in failure', status: 500 });
      }
      if (behaviour.dropNext) {
        behaviour.dropNext -= 1;
        res.socket?.destroy();
        return;
      }
      if (behaviour.refuse?.includes(received.to)) return json(res, 400, { code: 21211, message: `The 'To' number ${received.to} is not a valid phone number.`, status: 400 });
      if (behaviour.stall) {
        stalled.add(res);
        return;
      }
      received.accepted = true;
      const sid = `SM${randomBytes(16).toString('hex')}`;
      json(res, 201, { sid, account_sid: accountSid, to: received.to, from: received.from, body: received.body, status: 'queued', num_segments: '1', date_created: new Date().toUTCString() });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    delivered: () => requests.filter((r) => r.accepted),
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
