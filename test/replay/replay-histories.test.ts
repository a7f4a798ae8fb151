/**
 * Every committed history under test/replay/histories must replay against the current workflow
 * code: a change that would break a running workflow (a non-determinism error) fails here.
 * Record new histories with `npx tsx scripts/record-histories.ts` before changing a workflow.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';
import { customerOutreachWorkflowId } from '../../workflows/customer-outreach/definitions';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { BORN_AT_RELEASE_14, BORN_RELEASE, PATCH_RELEASES } from '../../workflows/invoice-collection/patches';
import { planWorkflowId } from '../../workflows/payment-plan/definitions';

const HISTORIES = path.join(__dirname, 'histories');
const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json')).sort();

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

/** The workflow id a history ran under (workflows key their side effects and requests by it), from its start input. */
function workflowIdOf(json: { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[] }): string {
  const input = JSON.parse(Buffer.from(json.events[0].workflowExecutionStartedEventAttributes?.input.payloads[0].data ?? '', 'base64').toString());
  if (input.invoice) return invoiceWorkflowId(input.invoice.invoiceId);
  return input.planId ? planWorkflowId(input.planId) : customerOutreachWorkflowId(input.customer.customerId);
}

test.each(files)('%s replays against the current code', async (file) => {
  const json = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, historyFromJSON(json), workflowIdOf(json))).resolves.toBeUndefined();
});

/**
 * The patches by release, in the order they were introduced; a history named `-vN-` was recorded
 * under release N (release 1 had no patch). Every patch of a release is exercised by at least one
 * history recorded under it, and by none recorded before it.
 */
const RELEASES: { version: number; patches: string[] }[] = [
  { version: 2, patches: ['invoice-lifecycle-v2'] },
  { version: 3, patches: ['invoice-lifecycle-v3'] },
  { version: 4, patches: ['invoice-contact-guard', 'invoice-contact-resumes', 'write-off-signal-checks', 'dispute-sla-recheck', 'small-balance'] },
  { version: 5, patches: ['customer-outreach'] },
  { version: 7, patches: ['invoice-fewer-actions', 'payment-in-one-task'] },
  { version: 8, patches: ['outreach-calendar'] },
  { version: 9, patches: ['payment-wakes-when-due'] },
  { version: 10, patches: ['close-with-posting'] },
  { version: 12, patches: ['outreach-merge-with-company'] },
  { version: 13, patches: ['start-in-one-task'] },
  { version: 14, patches: ['invoice-born-at-release-14'] },
];

function patchesIn(file: string): string[] {
  type Marker = { markerName: string; details: Record<string, { payloads: { data: string }[] }> };
  const events = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')).events as { markerRecordedEventAttributes?: Marker }[];
  // Local activities record markers too; only a patch's carries its id.
  return events.flatMap((event) => (event.markerRecordedEventAttributes?.markerName === 'core_patch' ? [event.markerRecordedEventAttributes.details['patch-data']] : []))
    .map((detail) => JSON.parse(Buffer.from(detail.payloads[0].data, 'base64').toString()).id);
}

const versionOf = (file: string) => Number(/-v(\d+)-/.exec(file)?.[1] ?? 1);

test.each(RELEASES.flatMap(({ version, patches }) => patches.map((patch) => [patch, version] as const)))(
  'histories recorded before %s are kept, so running workflows are proven to take the old path', (patch, version) => {
    const before = files.filter((file) => versionOf(file) < version);
    expect(before.length).toBeGreaterThanOrEqual(3);
    // Without its marker, replaying them runs every `patched(patch)` branch the old way, and they replay (above).
    expect(before.filter((file) => patchesIn(file).includes(patch))).toEqual([]);
    const recordedUnder = files.filter((file) => versionOf(file) === version && !file.includes('continued-as-new'));
    expect(recordedUnder.some((file) => patchesIn(file).includes(patch))).toBe(true);
  },
);

test('the workflow\'s table of patch releases is this file\'s, so an invoice born at a release takes exactly the patches recorded under it and before', () => {
  const recorded = Object.fromEntries(RELEASES.flatMap(({ version, patches }) => patches.map((patch) => [patch, version])));
  for (const [patch, release] of Object.entries(PATCH_RELEASES)) expect([patch, recorded[patch]]).toEqual([patch, release]);
  expect(recorded[BORN_AT_RELEASE_14]).toBe(BORN_RELEASE);
});

test('an invoice born at release 14 asks for no patch it has: its one marker is its birth, whatever path it took', () => {
  const born = files.filter((file) => file.startsWith('invoice-collection-') && versionOf(file) === 14);
  expect(born.length).toBeGreaterThanOrEqual(3);
  for (const file of born) expect([file, patchesIn(file)]).toEqual([file, ['invoice-born-at-release-14']]);
});

test('a change that breaks determinism is caught', async () => {
  // The same history replayed with the steps in another order must fail, or this test proves nothing.
  const file = files.find((name) => name.includes('full-life'));
  const json = JSON.parse(readFileSync(path.join(HISTORIES, file as string), 'utf8'));
  const started = json.events[0].workflowExecutionStartedEventAttributes;
  const input = JSON.parse(Buffer.from(started.input.payloads[0].data, 'base64').toString());
  input.policy.dunningSteps.reverse().forEach((step: { offsetDays: number }, index: number) => { step.offsetDays = -3 + index; });
  started.input.payloads[0].data = Buffer.from(JSON.stringify(input)).toString('base64');
  await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, historyFromJSON(json), 'tampered')).rejects.toThrow();
});
