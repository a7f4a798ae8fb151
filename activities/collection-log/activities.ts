/** Records state changes that have no other side effect (skipped steps, status changes, decisions). */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { appendCollectionEvent, type CollectionEvent } from './collection-event';

export function createCollectionLogActivities(db: Pool) {
  return {
    /** Appends one event to the account's timeline; a repeat of the same key changes nothing. */
    async recordCollectionEvent(event: CollectionEvent): Promise<void> {
      await inTransaction(db, (client) => appendCollectionEvent(client, event));
    },
  };
}
