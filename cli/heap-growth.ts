import { setFlagsFromString } from 'node:v8';

/** How far past the live heap V8 may let the old space grow before its next full collection, for `kspan replay`. */
export const REPLAY_HEAP_GROWING_PERCENT = 50;

/**
 * Caps how far V8 lets the heap grow between full collections: at most 1.5 times what the last one found alive
 * (`--heap-growing-percent`). With gigabytes free, V8 otherwise lets the old space grow to up to four times the
 * live heap when collecting is cheap, and a replay promotes every span it holds, so most of its peak RSS was
 * garbage waiting (the 1M flood: 932 MiB peak for ~150 MiB alive). A setting of the collector, not a limit:
 * nothing fails when more is alive, the heap grows with it. Measured on the 100k flood at 100%: the same CPU time;
 * 100% → 50% on the 1M bench log: peak RSS 278 → 223 MiB, 67.0 → 65.8 s of CPU (one run each, loaded machine).
 * Not for `kspan run`, whose Deployment caps the heap (--max-old-space-size), which V8 already grows by less.
 */
export function limitHeapGrowth(percent = REPLAY_HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
