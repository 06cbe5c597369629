import type { InputRecord } from '../input-record.ts';
import { formatTimeUs, parseTimeUs } from '../time.ts';

/** A small seeded PRNG (mulberry32) for tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Re-delivers a log with each record delayed by up to `jitterMs` (receive times rewritten), as a watch might. */
export function redeliver(records: readonly InputRecord[], seed: number, jitterMs: number): InputRecord[] {
  const rnd = prng(seed);
  return records
    .map((r, i) => ({ r, i, at: (parseTimeUs(r.at) ?? 0) + Math.floor(rnd() * jitterMs * 1000) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ r, at }) => ({ ...r, at: formatTimeUs(at) }));
}
