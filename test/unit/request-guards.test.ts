/** The pure parts of what every request goes through: the canonical body an Idempotency-Key binds, and logs without secrets or customer data. */
import { Writable } from 'node:stream';
import { canonicalJson } from '../../src/api/idempotency';
import { ProblemError } from '../../src/api/problem';
import { loadConfig } from '../../src/config';
import { createLogger, errorForLog } from '../../src/logger';

describe('canonical JSON', () => {
  test('the same JSON in any key order and spacing is the same text', () => {
    const a = JSON.parse('{"b": [1, {"y": 2, "x": "é"}], "a": null}');
    const b = JSON.parse('{"a":null,"b":[1,{"x":"\\u00e9","y":2}]}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":null,"b":[1,{"x":"é","y":2}]}');
  });

  test('different values, types or array orders differ; no body is null', () => {
    expect(canonicalJson({ amount: 1 })).not.toBe(canonicalJson({ amount: '1' }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson(undefined)).toBe('null');
  });

  test('a key named __proto__ is kept as a key', () => {
    expect(canonicalJson(JSON.parse('{"__proto__": {"admin": true}, "a": 1}'))).toBe('{"__proto__":{"admin":true},"a":1}');
  });

  test('a body nested past 100 levels is refused as the body', () => {
    const deep = JSON.parse(`${'['.repeat(150)}${']'.repeat(150)}`);
    expect(() => canonicalJson(deep)).toThrow(ProblemError);
  });
});

describe('logs', () => {
  function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
    const chunks: string[] = [];
    const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
    return { stream, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line)) };
  }

  test('credentials, bodies and customer contact fields are redacted', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    log.info({ headers: { authorization: 'Bearer ce_0123_secret' }, body: { email: 'ap@northwind.example' }, customer: { name: 'Northwind' }, email: 'ap@x.example', invoiceId: 'INV-1' }, 'request');
    const [line] = out.lines();
    expect(line).toMatchObject({ headers: { authorization: '[redacted]' }, body: '[redacted]', customer: '[redacted]', email: '[redacted]', invoiceId: 'INV-1' });
    expect(JSON.stringify(line)).not.toMatch(/secret|northwind/i);
  });

  test('an error is logged as its type, message, code and stack, never the row or body it carries', () => {
    const error = Object.assign(new Error('new row for relation "customers" violates check constraint'), {
      code: '23514', detail: 'Failing row contains (C-1, Northwind Traders, ap@northwind.example).', body: '{"email":"ap@northwind.example"}',
    });
    const logged = errorForLog(new Error('registration failed', { cause: error }));
    expect(logged).toMatchObject({ type: 'Error', message: 'registration failed', cause: { code: '23514', message: error.message } });
    expect(JSON.stringify(logged)).not.toContain('northwind');

    const out = capture();
    createLogger('info', out.stream).error({ err: error }, 'request failed');
    expect(JSON.stringify(out.lines()[0])).not.toContain('northwind');
  });
});

test('rate limits and key lifetime come from the environment, with defaults', () => {
  expect(loadConfig({})).toMatchObject({ rateLimit: { limit: 600, windowMs: 60_000 }, idempotencyKeyTtlMs: 24 * 3_600_000 });
  expect(loadConfig({ RATE_LIMIT_REQUESTS: '50', RATE_LIMIT_WINDOW_SECONDS: '10', IDEMPOTENCY_KEY_TTL_HOURS: '48' }))
    .toMatchObject({ rateLimit: { limit: 50, windowMs: 10_000 }, idempotencyKeyTtlMs: 48 * 3_600_000 });
  expect(() => loadConfig({ RATE_LIMIT_REQUESTS: '0' })).toThrow(/RATE_LIMIT_REQUESTS/);
});
