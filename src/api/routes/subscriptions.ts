/**
 * /v1/subscriptions: who receives the engine's outbound events (invoice paid, escalated, written off,
 * promise broken), and how their deliveries went. Creating one answers its signing secret, once.
 * A subscription is deactivated rather than deleted, so its deliveries stay readable.
 */
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  createSubscription, deactivateSubscription, DELIVERY_STATUSES, findSubscription, listDeliveries, listSubscriptions, newSubscriptionSchema,
} from '../../events/subscriptions';
import { callerOf } from '../access/access-control';
import { notFound, parseRequest } from '../problem';

/** A subscription's id in a path, as creation issues them. */
export const subscriptionIdSchema = z.string().regex(/^sub_[0-9a-f]{16}$/, 'must be a subscription id such as sub_3f9c0a1b2d4e5f60')
  .describe('sub_ and 16 hex digits, as creation answers it');

const subscriptionPath = z.object({ subscriptionId: subscriptionIdSchema }).strict();

/** Deactivation takes no fields: who deactivated is the key's holder. */
export const deactivateSubscriptionSchema = z.object({}).strict();

/** Which deliveries to list: optionally of one status, the most recent first. */
export const deliveryListQuery = z.object({
  status: z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
}).strict();

export function subscriptionRoutes(db: Pool): Router {
  const router = Router();

  router.post('/subscriptions', async (req, res) => {
    const body = parseRequest(newSubscriptionSchema, req.body, 'body');
    const created = await createSubscription(db, body, callerOf(res).holder);
    res.status(201).location(`/v1/subscriptions/${created.subscriptionId}`).json(created);
  });

  router.get('/subscriptions', async (_req, res) => {
    res.json({ subscriptions: await listSubscriptions(db) });
  });

  router.post('/subscriptions/:subscriptionId/deactivate', async (req, res) => {
    const { subscriptionId } = parseRequest(subscriptionPath, req.params, 'path');
    parseRequest(deactivateSubscriptionSchema, req.body, 'body');
    const subscription = await deactivateSubscription(db, subscriptionId, callerOf(res).holder);
    if (!subscription) throw notFound(`subscription ${subscriptionId}`);
    res.json(subscription);
  });

  router.get('/subscriptions/:subscriptionId/deliveries', async (req, res) => {
    const { subscriptionId } = parseRequest(subscriptionPath, req.params, 'path');
    const query = parseRequest(deliveryListQuery, req.query, 'query');
    if (!(await findSubscription(db, subscriptionId))) throw notFound(`subscription ${subscriptionId}`);
    res.json({ subscriptionId, deliveries: await listDeliveries(db, subscriptionId, query) });
  });

  return router;
}
