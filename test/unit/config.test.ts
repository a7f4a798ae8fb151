/** Configuration from the environment: defaults, and a bad value stops start-up naming the variable. */
import { loadConfig } from '../../src/config';

test('reconciliation runs every 5 minutes for rows older than a minute unless configured', () => {
  expect(loadConfig({}).reconcile).toEqual({ intervalMs: 300_000, graceMs: 60_000 });
  expect(loadConfig({ RECONCILE_INTERVAL_SECONDS: '30', RECONCILE_GRACE_SECONDS: '5' }).reconcile).toEqual({ intervalMs: 30_000, graceMs: 5_000 });
});

test('a value that is not a positive whole number of seconds is refused with the variable named', () => {
  expect(() => loadConfig({ RECONCILE_INTERVAL_SECONDS: 'soon' })).toThrow(/RECONCILE_INTERVAL_SECONDS/);
  expect(() => loadConfig({ RECONCILE_GRACE_SECONDS: '0' })).toThrow(/RECONCILE_GRACE_SECONDS/);
  expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
});

test('the pool size, the worker\'s health port and its shutdown grace time: defaults, and bad values named', () => {
  expect(loadConfig({})).toMatchObject({ databasePoolSize: 10, workerHealthPort: undefined, workerShutdownGraceMs: 15_000 });
  expect(loadConfig({ DATABASE_POOL_SIZE: '25', WORKER_HEALTH_PORT: '9464', WORKER_SHUTDOWN_GRACE_SECONDS: '5' }))
    .toMatchObject({ databasePoolSize: 25, workerHealthPort: 9464, workerShutdownGraceMs: 5_000 });
  expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  expect(() => loadConfig({ WORKER_HEALTH_PORT: 'health' })).toThrow(/WORKER_HEALTH_PORT/);
  expect(loadConfig({ WORKER_HEALTH_PORT: '' }).workerHealthPort).toBeUndefined(); // as compose passes an unset one
  // The whole shutdown is cut short at 30 s: a longer grace would never be honoured.
  expect(() => loadConfig({ WORKER_SHUTDOWN_GRACE_SECONDS: '60' })).toThrow(/WORKER_SHUTDOWN_GRACE_SECONDS/);
});

test('the worker\'s sticky cache: the SDK\'s default unless set, 0 turns it off, 1 is refused', () => {
  expect(loadConfig({}).workerMaxCachedWorkflows).toBeUndefined();
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '' }).workerMaxCachedWorkflows).toBeUndefined();
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '5000' }).workerMaxCachedWorkflows).toBe(5000);
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).workerMaxCachedWorkflows).toBe(0);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: must be 0 \(no cache\) or at least 2/);
  expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
});

test('the API listens on loopback unless HOST opens it', () => {
  expect(loadConfig({}).httpHost).toBe('127.0.0.1');
  expect(loadConfig({ HOST: '0.0.0.0' }).httpHost).toBe('0.0.0.0');
  expect(loadConfig({ HOST: '::' }).httpHost).toBe('::');
  expect(() => loadConfig({ HOST: 'any where' })).toThrow(/HOST/);
});

test('email goes through Resend when RESEND_API_KEY is set; unset or empty (as compose passes an unset one) it goes to the outbox', () => {
  expect(loadConfig({ RESEND_API_KEY: 're_123' }).mail.resendApiKey).toBe('re_123');
  expect(loadConfig({}).mail.resendApiKey).toBeUndefined();
  expect(loadConfig({ RESEND_API_KEY: '' }).mail.resendApiKey).toBeUndefined();
  expect(() => loadConfig({ RESEND_API_KEY: '   ' })).toThrow(/RESEND_API_KEY/);
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  const k1 = Buffer.alloc(32, 1).toString('base64');
  const k2 = Buffer.alloc(32, 2).toString('base64');

  test('unset (or empty, as compose passes it) leaves payloads unencrypted', () => {
    expect(loadConfig({}).temporal.encryption).toBeUndefined();
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: '' }).temporal.encryption).toBeUndefined();
  });

  test('a ring of id:base64 keys, the one that encrypts first', () => {
    const { keys } = loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k2:${k2}, k1:${k1}` }).temporal.encryption!;
    expect(keys.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(keys[0].key).toEqual(Buffer.alloc(32, 2));
    expect(keys[1].key).toEqual(Buffer.alloc(32, 1));
  });

  test.each([
    ['a key that is not 32 bytes', `k1:${Buffer.alloc(16).toString('base64')}`, /PAYLOAD_ENCRYPTION_KEYS: key "k1" must be 32 bytes in base64; it is 16 bytes/],
    ['a key that is not base64', 'k1:not*base64', /key "k1" must be 32 bytes in base64; it is not base64/],
    ['the same id twice', `k1:${k1},k1:${k2}`, /key id "k1" appears twice/],
    ['an entry without an id', k1, /key 1 must be written id:base64-key/],
    ['an id with spaces', `my key:${k1}`, /key 1 needs an id of 1 to 64 letters/],
    ['the key and its id swapped', `${k2}:k1`, /key 1 needs an id/],
  ])('%s stops start-up naming the variable and the reason, never the key', (_what, value, reason) => {
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(reason);
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value });
    } catch (error) {
      expect((error as Error).message).not.toContain(k1);
      expect((error as Error).message).not.toContain(k2);
    }
  });
});

test('the codec endpoint answers browsers from the local Web UI unless CODEC_CORS_ORIGINS says otherwise', () => {
  expect(loadConfig({}).codecCorsOrigins).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
  expect(loadConfig({ TEMPORAL_UI_PORT: '9000' }).codecCorsOrigins).toContain('http://localhost:9000');
  expect(loadConfig({ CODEC_CORS_ORIGINS: 'https://temporal.example.com' }).codecCorsOrigins).toEqual(['https://temporal.example.com']);
  expect(() => loadConfig({ CODEC_CORS_ORIGINS: 'https://temporal.example.com/ui' })).toThrow(/CODEC_CORS_ORIGINS: "https:\/\/temporal.example.com\/ui" is not an origin/);
});

describe('SMS through Twilio', () => {
  const sid = `AC${'0a'.repeat(16)}`;
  test('all three set turn it on; none (or empty, as compose passes them) leave texts in the outbox', () => {
    expect(loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'f'.repeat(32), SMS_FROM: '+15550100999' }).sms)
      .toEqual({ accountSid: sid, authToken: 'f'.repeat(32), from: '+15550100999', baseUrl: undefined });
    expect(loadConfig({}).sms).toBeUndefined();
    expect(loadConfig({ TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', SMS_FROM: '' }).sms).toBeUndefined();
  });
  test('a bad value or a missing partner stops start-up naming the variable', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 'f'.repeat(32), SMS_FROM: '+15550100999' })).toThrow(/TWILIO_ACCOUNT_SID: must be the Twilio account's SID/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'f'.repeat(32), SMS_FROM: '555-0100' })).toThrow(/SMS_FROM: must be the sending number in E.164/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: sid })).toThrow(/TWILIO_AUTH_TOKEN: must be set with TWILIO_ACCOUNT_SID and SMS_FROM/);
  });
});
