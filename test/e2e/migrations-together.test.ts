/** Processes that start together on an empty database (a worker and an API) migrate it in turns, none failing. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrateUp } from '../../src/db/migrate';

const name = `collections_migrate_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL as string;

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`CREATE DATABASE ${name}`));
afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

test('three processes migrating one empty database at once: one applies every migration, the others find nothing left', async () => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const results = await Promise.all([1, 2, 3].map(() => migrateUp(url.toString())));
  const applied = results.map((names) => names.length).sort((a, b) => a - b);
  expect(applied[0]).toBe(0);
  expect(applied[1]).toBe(0);
  expect(applied[2]).toBeGreaterThan(5);
});
