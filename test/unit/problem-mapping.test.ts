/** The API's single error mapper: neutral errors of the invoice module become HTTP problems; an unexpected failure is a neutral 500. */
import type { Server } from 'node:http';
import express from 'express';
import { problemHandler } from '../../src/api/problem';
import { ConflictError, InvalidFieldError, InvoiceClosedError, NotFoundError } from '../../src/invoices/invoice-errors';
import { createLogger } from '../../src/logger';
import { PolicyNotFoundError } from '../../src/policies/policy-store';

let server: Server;
let baseUrl: string;
const ERRORS: Record<string, () => unknown> = {
  unexpected: () => new Error('connection terminated'),
  thrownString: () => 'boom',
  notFound: () => new NotFoundError('invoice INV-9'),
  invalid: () => new InvalidFieldError('amount.currency', "must be the invoice's currency USD"),
  conflict: () => new ConflictError('Conflict', 'paymentId: already applied', { field: 'paymentId', reason: 'was already applied to another invoice' }),
  closed: () => new InvoiceClosedError('INV-9', 'paid'),
  policy: () => new PolicyNotFoundError('policy "x" v3 is not stored'),
};

beforeAll(async () => {
  const app = express();
  app.get('/:kind', (req) => { throw ERRORS[req.params.kind](); });
  app.use(problemHandler(createLogger('silent')));
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (kind: string) => {
  const response = await fetch(`${baseUrl}/${kind}`);
  return { status: response.status, body: await response.json() as any };
};

test('an unexpected failure is a 500 that promises nothing about retrying and shows no internals', async () => {
  for (const kind of ['unexpected', 'thrownString']) {
    const { status, body } = await get(kind);
    expect(status).toBe(500);
    expect(body).toEqual({
      type: '/problems/internal-error', title: 'Internal error', status: 500, instance: `/${kind}`,
      detail: 'the server could not complete the request; the failure has been logged',
    });
    expect(body.detail).not.toMatch(/retry|idempotent|safe/i);
  }
});

test('neutral errors become 404, 422 on the body field, and 409', async () => {
  expect(await get('notFound')).toMatchObject({ status: 404, body: { detail: 'invoice INV-9 does not exist' } });
  expect(await get('policy')).toMatchObject({ status: 404 });
  expect(await get('invalid')).toMatchObject({ status: 422, body: { errors: [{ field: 'body.amount.currency', reason: "must be the invoice's currency USD" }] } });
  expect(await get('conflict')).toMatchObject({ status: 409, body: { title: 'Conflict', errors: [{ field: 'body.paymentId', reason: 'was already applied to another invoice' }] } });
  expect(await get('closed')).toMatchObject({ status: 409, body: { title: 'Invoice closed', detail: 'invoice INV-9 is paid; its collection has ended' } });
});
