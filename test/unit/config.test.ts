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

test('the API listens on loopback unless HOST opens it', () => {
  expect(loadConfig({}).httpHost).toBe('127.0.0.1');
  expect(loadConfig({ HOST: '0.0.0.0' }).httpHost).toBe('0.0.0.0');
  expect(loadConfig({ HOST: '::' }).httpHost).toBe('::');
  expect(() => loadConfig({ HOST: 'any where' })).toThrow(/HOST/);
});
