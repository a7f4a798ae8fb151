/** A fresh, migrated database for one test file, cloned from the run's template. */
import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPool } from '../../src/db/pool';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(): Promise<TestDatabase> {
  const name = `collections_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_POSTGRES_TEMPLATE}`));
  const url = new URL(process.env.TEST_POSTGRES_ADMIN_URL as string);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString());
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
