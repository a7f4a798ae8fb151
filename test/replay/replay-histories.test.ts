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

const HISTORIES = path.join(__dirname, 'histories');
const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json')).sort();

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays against the current code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
  await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file)).resolves.toBeUndefined();
});

test('histories recorded before the invoice-lifecycle-v2 patch are kept: they prove running workflows take the old path', () => {
  const before = files.filter((file) => !file.includes('-v2-'));
  const after = files.filter((file) => file.includes('-v2-'));
  expect(before.length).toBeGreaterThanOrEqual(3);
  expect(after.length).toBeGreaterThanOrEqual(3);
  const markers = (file: string) => JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')).events
    .filter((event: { markerRecordedEventAttributes?: unknown }) => event.markerRecordedEventAttributes).length;
  // No patch marker: replaying them runs every `patched()` branch the old way, and they still replay (above).
  expect(before.map(markers)).toEqual(before.map(() => 0));
  expect(after.filter((file) => !file.includes('continued-as-new')).every((file) => markers(file) === 1)).toBe(true);
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
