/** API keys: their format, what is stored of them (SHA-256 of the secret), and the constant-time check. */
import { createHash } from 'node:crypto';
import { issueKey, newKeySchema, parseKey, secretHash, secretMatches } from '../../src/api/access/api-keys';
import { mayCall, ROUTE_ACCESS } from '../../src/api/access/route-access';

test('a key is ce_, a 16-hex-digit id and a 43-character base64url secret of 32 random bytes', () => {
  const { key, keyId, secretSha256 } = issueKey();
  expect(key).toMatch(/^ce_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const parsed = parseKey(key);
  expect(parsed?.keyId).toBe(keyId);
  expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
  expect(secretSha256).toEqual(createHash('sha256').update(parsed!.secret).digest());
  expect(secretSha256).toHaveLength(32);
});

test('every key is new: ids and secrets never repeat', () => {
  const keys = Array.from({ length: 200 }, () => parseKey(issueKey().key)!);
  expect(new Set(keys.map((k) => k.keyId)).size).toBe(200);
  expect(new Set(keys.map((k) => k.secret)).size).toBe(200);
});

test('the stored hash matches only its own secret', () => {
  const { key, secretSha256 } = issueKey();
  const { secret } = parseKey(key)!;
  expect(secretMatches(secret, secretSha256)).toBe(true);
  const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
  expect(secretMatches(flipped, secretSha256)).toBe(false);
  expect(secretMatches(parseKey(issueKey().key)!.secret, secretSha256)).toBe(false);
  // A stored value of another length is refused, not thrown on (timingSafeEqual needs equal lengths).
  expect(secretMatches(secret, secretSha256.subarray(0, 16))).toBe(false);
  expect(secretHash(secret)).toEqual(secretSha256);
});

test('anything but a well-formed key is not parsed', () => {
  const { key } = issueKey();
  for (const presented of [
    '', 'ce_', key.replace(/^ce_/, 'ck_'), `${key}x`, key.slice(0, -1), ` ${key}`, key.toUpperCase(),
    key.replace(/^ce_[0-9a-f]{16}/, 'ce_0123456789abcdeg'), key.replace(/_/, '-'), `Bearer ${key}`,
  ]) {
    expect(parseKey(presented)).toBeUndefined();
  }
});

test('a new key names its holder on one line, has a known role, and only a manager or admin key carries an approver role', () => {
  expect(newKeySchema.safeParse({ holder: 'Ann Lee', role: 'manager', approverRole: 'cfo' }).success).toBe(true);
  expect(newKeySchema.safeParse({ holder: 'ERP', role: 'system' }).success).toBe(true);
  const issues = (value: unknown) => newKeySchema.safeParse(value).error?.issues.map((issue) => issue.path.join('.')) ?? [];
  expect(issues({ holder: 'Carla', role: 'collector', approverRole: 'cfo' })).toEqual(['approverRole']);
  expect(issues({ holder: 'Ann\r\nBcc: x', role: 'manager' })).toEqual(['holder']);
  expect(issues({ holder: 'Ann', role: 'root' })).toEqual(['role']);
  expect(issues({ holder: 'Ann', role: 'manager', approverRole: 'CFO boss' })).toEqual(['approverRole']);
  expect(issues({ role: 'auditor' })).toEqual(['holder']);
});

test('the matrix: an admin may call every route, an auditor only reads, health and the API reference take no key', () => {
  for (const access of ROUTE_ACCESS) {
    expect(mayCall(access, 'admin')).toBe(true);
    // Reads that take a body are POSTs too: checking a policy, decoding payloads for an auditor.
    const readsByPost = ['/policies/validate', '/policies/lint', '/codec/decode'];
    if (access.method === 'POST' && !readsByPost.includes(access.path)) {
      expect([access.path, mayCall(access, 'auditor')]).toEqual([access.path, false]);
    }
  }
  expect(ROUTE_ACCESS.filter((access) => access.roles === 'open').map((access) => `${access.method} ${access.path}`)).toEqual(['GET /health', 'GET /health/live', 'GET /health/ready', 'GET /openapi.json', 'GET /docs', 'GET /docs/:asset']);
});
