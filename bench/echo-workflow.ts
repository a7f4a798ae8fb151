/** A bench-only workflow: one update that answers its argument, so an update's bare round trip can be timed. */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const echoUpdate = defineUpdate<number, [number]>('echo');

/** Answers every update at once and never ends (the benchmark's server is thrown away). */
export async function echo(): Promise<void> {
  setHandler(echoUpdate, (value) => value);
  await condition(() => false);
}
