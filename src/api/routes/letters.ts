/** /v1/letters: printable letters the letter channel queued, for whoever prints and posts them. */
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { notFound, parseRequest } from '../problem';

/** Which letters to list. */
export const letterListQuery = z.object({
  status: z.enum(['to_print', 'printed']).default('to_print'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();

/** A letter's number, as GET /letters lists it. */
export const letterIdSchema = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a letter number');

const letterPath = z.object({ letterId: letterIdSchema }).strict();

/** Marking a letter printed takes no fields. */
export const letterPrintedBodySchema = z.object({}).strict();

export function letterRoutes(db: Pool): Router {
  const router = Router();

  router.get('/letters', async (req, res) => {
    const query = parseRequest(letterListQuery, req.query, 'query');
    const letters = await db.query(
      `SELECT letter_id::text AS "letterId", message_key AS "messageKey", customer_id AS "customerId", recipient_name AS "recipientName",
              postal_address AS "postalAddress", subject, status, created_at AS "createdAt", printed_at AS "printedAt"
       FROM letters WHERE status = $1 ORDER BY letter_id LIMIT $2`, [query.status, query.limit]);
    res.json({ letters: letters.rows });
  });

  router.get('/letters/:letterId/pdf', async (req, res) => {
    const { letterId } = parseRequest(letterPath, req.params, 'path');
    const found = await db.query<{ pdf: Buffer }>('SELECT pdf FROM letters WHERE letter_id = $1', [letterId]);
    if (!found.rows[0]) throw notFound(`letter ${letterId}`);
    res.type('application/pdf').setHeader('content-disposition', `inline; filename="letter-${letterId}.pdf"`);
    res.send(found.rows[0].pdf);
  });

  // Marking twice is harmless: the first time it was printed stays.
  router.post('/letters/:letterId/printed', async (req, res) => {
    const { letterId } = parseRequest(letterPath, req.params, 'path');
    parseRequest(letterPrintedBodySchema, req.body ?? {}, 'body');
    const found = await db.query(
      `UPDATE letters SET status = 'printed', printed_at = coalesce(printed_at, now()) WHERE letter_id = $1
       RETURNING letter_id::text AS "letterId", status, printed_at AS "printedAt"`, [letterId]);
    if (!found.rows[0]) throw notFound(`letter ${letterId}`);
    res.json(found.rows[0]);
  });

  return router;
}
