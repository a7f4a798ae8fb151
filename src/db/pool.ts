/** The Postgres connection pool and a transaction helper. */
import { Pool, types, type PoolClient } from 'pg';

const INT8_OID = 20;
const DATE_OID = 1082;

/** bigint columns hold money in minor units: read them as numbers, refusing any beyond 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond the safe integer range`);
  return value;
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    // A calendar date has no time zone: keep `YYYY-MM-DD` rather than a local-midnight Date.
    if (oid === DATE_OID && format !== 'binary') return (text: string) => text;
    return types.getTypeParser(oid, format);
  },
};

/** Opens a pool whose bigint columns come back as safe JS numbers and dates as `YYYY-MM-DD`. */
export function createPool(connectionString: string, max = 10): Pool {
  const pool = new Pool({ connectionString, max, types: typeParsers as never });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it, and a query in flight reports its own error.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction: all of it lands, or none of it. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
