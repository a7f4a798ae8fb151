/**
 * The id the API gives each update it runs for a caller: it starts with the caller's API key id, so
 * the workflow's history (where the update's id is kept) says under which key a person decided.
 */
import { randomUUID } from 'node:crypto';

const PREFIX = 'key-';

/** A fresh update id naming the caller's key. */
export function callerUpdateId(keyId: string): string {
  return `${PREFIX}${keyId}/${randomUUID()}`;
}

/** The API key id an update id names, if the API gave it one. */
export function keyIdOfUpdate(updateId: string | undefined): string | undefined {
  if (!updateId?.startsWith(PREFIX)) return undefined;
  const slash = updateId.indexOf('/');
  return slash > PREFIX.length ? updateId.slice(PREFIX.length, slash) : undefined;
}
