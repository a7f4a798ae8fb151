/**
 * The local Web UI's codec key: an auditor key made for one run of the engine (the previous one
 * revoked), which never stands in the way of the first admin key on a fresh install.
 */
import { authenticateKey, createFirstAdminKey, listApiKeys, localWebUiKey, WEB_UI_HOLDER } from '../../src/api/access/api-keys';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.drop();
});

test('each start makes a new auditor key for the Web UI and revokes the last; a fresh install still gets its first admin key', async () => {
  const first = await localWebUiKey(db.pool);
  expect(await authenticateKey(db.pool, first)).toMatchObject({ holder: WEB_UI_HOLDER, role: 'auditor' });
  expect(await createFirstAdminKey(db.pool)).toMatch(/^ce_/);
  const second = await localWebUiKey(db.pool);
  expect(await authenticateKey(db.pool, first)).toBeUndefined();
  expect(await authenticateKey(db.pool, second)).toMatchObject({ role: 'auditor' });
  const active = (await listApiKeys(db.pool)).filter((key) => !key.revokedAt);
  expect(active.map((key) => key.holder).sort()).toEqual(['first admin', WEB_UI_HOLDER].sort());
});
