/** The one place that lists, registers and checks this project's custom search attributes. */
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { Connection } from '@temporalio/client';
import { INVOICE_SEARCH_ATTRIBUTES } from '../../workflows/invoice-collection/definitions';

/** Every custom search attribute any workflow of this project sets. */
export const ALL_SEARCH_ATTRIBUTES: readonly SearchAttributeKey<SearchAttributeType>[] = [...INVOICE_SEARCH_ATTRIBUTES];

const GRPC_UNIMPLEMENTED = 12;

/** `Name=Type` arguments for `temporal server start-dev --search-attribute`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.TEXT]: 'Text', [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double', [SearchAttributeType.BOOL]: 'Bool', [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}

/** Names that the namespace lacks (a workflow upserting one would fail every task, silently). */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const response = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(response.customAttributes ?? {}));
  return ALL_SEARCH_ATTRIBUTES.map((key) => key.name).filter((name) => !known.has(name));
}

/** Registers the missing attributes (on servers that allow it: dev server, test server, self-hosted). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const missing = new Set(await missingSearchAttributes(connection, namespace).catch((error: { code?: number }) => {
    // The Java test server cannot list attributes (gRPC UNIMPLEMENTED) but accepts them all.
    if (error.code === GRPC_UNIMPLEMENTED) return ALL_SEARCH_ATTRIBUTES.map((key) => key.name);
    throw error;
  }));
  if (missing.size === 0) return;
  const searchAttributes = Object.fromEntries(
    ALL_SEARCH_ATTRIBUTES.filter((key) => missing.has(key.name)).map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/** Refuses to start when attributes are missing, naming them and the command that adds them. */
export async function assertSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return;
  const byName = new Map(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, key]));
  const commands = missing.map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${byName.get(name)?.type}`);
  throw new Error(`namespace "${namespace}" lacks search attributes ${missing.join(', ')}; add them with:\n  ${commands.join('\n  ')}`);
}
