/** Opens tasks on the collectors' worklist: calls, escalations, write-off reviews. */
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { whyOf } from '../../src/domain/why';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';

/** What a task asks a person to do. */
export type CollectorTaskKind = 'call' | 'escalation' | 'write_off_review' | 'dispute' | 'approval';

export interface CollectorTaskInput {
  customerId: string;
  kind: CollectorTaskKind;
  level: string;
  title: string;
  /** What a person needs to act: balance, what was sent, history. */
  context: Record<string, unknown>;
  priority: number;
  /** The timeline entry for opening it; its key is the task's key too. Its data's `why` is stored with the task. */
  event: CollectionEvent;
}

export function createTaskActivities(db: Pool) {
  return {
    /** Opens the task once per key and logs it; returns the task id. */
    async openCollectorTask(input: CollectorTaskInput): Promise<number> {
      return inTransaction(db, async (client) => {
        const { event } = input;
        const why = whyOf(event.data);
        const result = await client.query<{ task_id: number }>(
          `INSERT INTO tasks (idempotency_key, invoice_id, customer_id, kind, level, title, context, priority, why)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
           RETURNING task_id`,
          [event.idempotencyKey, event.invoiceId, input.customerId, input.kind, input.level, input.title, JSON.stringify(input.context), input.priority,
            why ? JSON.stringify(why) : null],
        );
        await appendCollectionEvent(client, { ...event, data: { ...event.data, taskId: result.rows[0].task_id } });
        return result.rows[0].task_id;
      });
    },

    /** Closes the invoice's open tasks once it is paid, settled, written off or cancelled: nobody should chase it. */
    async closeOpenTasks(input: { invoiceId: string; reason: string }): Promise<number> {
      return closeOpenTasksOf(db, input.invoiceId, input.reason);
    },
  };
}

/**
 * Closes an invoice's open tasks because it closed with `reason` (paid, settled, written off,
 * cancelled). Also run inside the posting that closes it, so the close and its tasks land together.
 */
export async function closeOpenTasksOf(db: Pool | PoolClient, invoiceId: string, reason: string): Promise<number> {
  const result = await db.query(
    // A write-off review was decided by the close; everything else is simply no longer needed.
    `UPDATE tasks SET status = CASE WHEN kind = 'write_off_review' THEN 'done' ELSE 'cancelled' END,
       context = context || jsonb_build_object('closedBecause', $2::text)
     WHERE invoice_id = $1 AND status = 'open'`, [invoiceId, reason]);
  return result.rowCount ?? 0;
}
