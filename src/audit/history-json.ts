/**
 * A workflow history in its JSON form: what `temporal workflow show --output json`, `historyToJSON`
 * and this engine's audit export write, and what `historyFromJSON` (so the replayer) reads back.
 * Payloads stay base64 here; these helpers decode them with the SDK's default converter.
 */
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';

/** A payload as history JSON holds it: base64 metadata values and data. */
export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

/** One history event; its attributes sit under `<type>EventAttributes`. */
export interface HistoryEventJson {
  eventId: string;
  eventTime: string;
  eventType: string;
  userMetadata?: { summary?: PayloadJson };
  [attributes: string]: unknown;
}

/** One run's history. */
export interface HistoryJson {
  events: HistoryEventJson[];
}

const fromBase64 = (value: string | undefined) => (value === undefined ? undefined : new Uint8Array(Buffer.from(value, 'base64')));

function payloadOf(json: PayloadJson): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, fromBase64(value) as Uint8Array]));
  return { metadata, data: fromBase64(json.data) };
}

function jsonOf(payload: Payload): PayloadJson {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { metadata, ...(payload.data ? { data: Buffer.from(payload.data).toString('base64') } : {}) };
}

/** The value a payload holds; a payload the default converter cannot read (another encoding) is described, not thrown. */
export function decodePayload(json: PayloadJson | undefined): unknown {
  if (!json) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payloadOf(json));
  } catch {
    return `<payload in ${Buffer.from(json.metadata?.encoding ?? '', 'base64').toString() || 'an unknown encoding'}>`;
  }
}

/** The values of a `{ payloads: [...] }` field (a start input, an activity input, a signal's arguments). */
export function decodePayloads(field: unknown): unknown[] {
  const payloads = (field as { payloads?: PayloadJson[] } | undefined)?.payloads ?? [];
  return payloads.map(decodePayload);
}

/** The event's type without its enum prefix, in upper snake case: `ACTIVITY_TASK_SCHEDULED`. */
export function eventTypeOf(event: HistoryEventJson): string {
  const type = event.eventType.replace(/^EVENT_TYPE_/, '');
  return /[a-z]/.test(type) ? type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : type;
}

/** The event's attributes (`activityTaskScheduledEventAttributes` for an activity scheduled …). */
export function attributesOf(event: HistoryEventJson): Record<string, unknown> {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes'));
  return (key ? event[key] : {}) as Record<string, unknown>;
}

/** Whether a value is a payload as history JSON holds it. */
function isPayload(value: unknown): value is PayloadJson {
  return typeof value === 'object' && value !== null && 'metadata' in value && typeof (value as PayloadJson).metadata?.encoding === 'string';
}

/**
 * A copy of the history with every payload run through the codecs (decryption), for reading; the
 * history as the server keeps it (the one to replay) is left as it is.
 */
export async function decodedHistory(history: HistoryJson, codecs: readonly PayloadCodec[]): Promise<HistoryJson> {
  if (codecs.length === 0) return history;
  const decode = async (value: unknown): Promise<unknown> => {
    if (isPayload(value)) {
      let payloads = [payloadOf(value)];
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      return jsonOf(payloads[0]);
    }
    if (Array.isArray(value)) return Promise.all(value.map(decode));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([key, inner]) => [key, await decode(inner)])));
    }
    return value;
  };
  return (await decode(history)) as HistoryJson;
}
