/** /v1/tasks: the collectors' worklist, highest priority first. */
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { fromZod } from '../problem';

/** The worklist's query: which status, how many. */
export const taskListQuery = z.object({
  status: z.enum(['open', 'done', 'cancelled']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
}).strict();

export function taskRoutes(db: Pool): Router {
  const router = Router();
  router.get('/tasks', async (req, res) => {
    const parsed = taskListQuery.safeParse(req.query);
    if (!parsed.success) throw fromZod(parsed.error, 'query');
    const tasks = await db.query(
      `SELECT t.task_id AS "taskId", t.kind, t.level, t.title, t.priority, t.status, t.invoice_id AS "invoiceId",
              t.customer_id AS "customerId", t.context, t.why, t.created_at AS "createdAt"
       FROM tasks t WHERE t.status = $1 ORDER BY t.priority DESC, t.task_id LIMIT $2`,
      [parsed.data.status, parsed.data.limit]);
    res.json({ tasks: tasks.rows });
  });
  return router;
}
