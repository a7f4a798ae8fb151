/** /v1/invoices: register, read, pay, cancel, decide a write-off, read the timeline. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import type { z } from 'zod';
import { readInvoice } from '../../invoices/invoice-view';
import { recordPayment } from '../../invoices/payments';
import { registerInvoice } from '../../invoices/registration';
import { cancelInvoiceSignal, invoiceWorkflowId } from '../../../workflows/invoice-collection/definitions';
import { invoiceClosed, notFound, parseRequest } from '../problem';
import { cancelInvoiceSchema, invoiceIdParams, recordPaymentSchema, registerInvoiceSchema } from '../request-schemas';

export interface InvoiceRouteDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
}

const body = <S extends z.ZodType>(schema: S, req: Request) => parseRequest(schema, req.body, 'body');
const invoiceIdOf = (req: Request) => parseRequest(invoiceIdParams, req.params, 'path').invoiceId;

export function invoiceRoutes(deps: InvoiceRouteDependencies): Router {
  const router = Router();

  router.post('/invoices', async (req, res) => {
    const result = await registerInvoice(deps, body(registerInvoiceSchema, req));
    res.status(result.created ? 201 : 200).location(`/v1/invoices/${encodeURIComponent(req.body.invoiceId)}`).json(result);
  });

  router.get('/invoices/:invoiceId', async (req, res) => {
    res.json(await readInvoice(deps.db, deps.client, invoiceIdOf(req)));
  });

  router.post('/invoices/:invoiceId/payments', async (req, res) => {
    res.json(await recordPayment(deps, invoiceIdOf(req), body(recordPaymentSchema, req)));
  });

  router.post('/invoices/:invoiceId/cancel', async (req, res) => {
    const invoiceId = invoiceIdOf(req);
    const { reason } = body(cancelInvoiceSchema, req);
    await signalOpenInvoice(deps, invoiceId, (handle) => handle.signal(cancelInvoiceSignal, { reason }));
    res.status(202).json({ invoiceId, accepted: 'cancel' });
  });

  router.get('/invoices/:invoiceId/events', async (req, res) => {
    const invoiceId = invoiceIdOf(req);
    const events = await deps.db.query(
      `SELECT type, summary, occurred_at AS "occurredAt", data FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id`,
      [invoiceId]);
    if (events.rowCount === 0 && (await deps.db.query('SELECT 1 FROM invoices WHERE invoice_id = $1', [invoiceId])).rowCount === 0) {
      throw notFound(`invoice ${invoiceId}`);
    }
    res.json({ invoiceId, events: events.rows });
  });

  return router;
}

type Handle = ReturnType<Client['workflow']['getHandle']>;

/** Runs `act` on a registered invoice's workflow; a closed one is a 409, an unknown one a 404. */
async function signalOpenInvoice(deps: InvoiceRouteDependencies, invoiceId: string, act: (handle: Handle) => Promise<void>): Promise<void> {
  const invoice = await deps.db.query<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [invoiceId]);
  if (invoice.rowCount === 0) throw notFound(`invoice ${invoiceId}`);
  try {
    await act(deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId)));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw invoiceClosed(invoiceId, invoice.rows[0].status);
    }
    throw error;
  }
}
