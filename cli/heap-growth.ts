import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** How far past the live heap V8 may let the old space grow before its next full collection, for `kspan replay`. */
export const REPLAY_HEAP_GROWING_PERCENT = 50;

/**
 * The young generation (both semi-spaces) at which `kspan replay` stops V8 growing it further: 2 × 8 MiB, as deploy/
 * gives `kspan run`. Measured side by side (replay -o tree, nice -n 10, load ~8): the 300k flood's peak RSS 361 MiB
 * uncapped, 319 at 16 MiB, 310 at 8 MiB, CPU alike; the 100k bench log's user CPU 7.2-7.5 s uncapped, 7.6-8.2 s at
 * 16 MiB, 9.0-9.2 s at 8 MiB (its short-lived objects promoted sooner), peak RSS 184 / 167-174 / 158-161 MiB.
 */
export const REPLAY_YOUNG_GENERATION_BYTES = 16 * 1024 * 1024;

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

/** Both semi-spaces of V8's young generation, as committed now. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops V8 growing its young generation once it reaches `bytes` (or soon after: it grows twofold at a scavenge, and
 * this looks every `everyMs` while the event loop turns). V8 grows it to 2 × 16 MiB when much survives a scavenge,
 * as in a replay, which keeps what it holds for minutes: that space stays committed, and a smaller young generation
 * promotes the same spans sooner. Only `--max-semi-space-size` at start-up caps it outright (deploy/ sets it for
 * `kspan run`); `--semi-space-growth-factor`, read at each growth, can be set at run time. The look stops once it
 * capped (its timer never keeps the process alive).
 */
export function capYoungGeneration(bytes = REPLAY_YOUNG_GENERATION_BYTES, everyMs = 20): void {
  const check = (): void => {
    if (youngGenerationBytes() < bytes) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
}
