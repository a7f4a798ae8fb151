/** Running requests at a fixed concurrency and reading percentiles off their latencies. */

/** Runs `work` for 0..count-1 with at most `concurrency` in flight; returns each one's latency in ms, sorted. */
export async function timed(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await work(index);
      latencies.push(performance.now() - started);
    }
  }));
  return latencies.sort((a, b) => a - b);
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of unsorted values. */
export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
