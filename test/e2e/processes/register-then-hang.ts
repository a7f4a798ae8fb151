/**
 * Registers one invoice the way the API does, against a Temporal address that accepts connections
 * and never answers: the row is saved, the workflow start hangs, and the test kills this process
 * between the two writes. Run with `node --import tsx` so the kill reaches the only process.
 *   REGISTER_DATABASE_URL  the test's database
 *   REGISTER_REQUEST       the registration request as JSON
 */
import { createServer, type AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createPool } from '../../../src/db/pool';
import { registerInvoice } from '../../../src/invoices/registration';

async function main(): Promise<void> {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const connection = Connection.lazy({ address: `127.0.0.1:${(silent.address() as AddressInfo).port}` });
  const db = createPool(process.env.REGISTER_DATABASE_URL as string);
  await registerInvoice({ db, client: new Client({ connection }), taskQueue: 'never-reached' }, JSON.parse(process.env.REGISTER_REQUEST as string));
  process.stderr.write('the workflow start answered; the test expected it to hang\n');
  process.exit(3);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
