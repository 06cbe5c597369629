import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far past the live heap V8 may let the old space grow before its next full collection, for `kspan replay`, at
 * most: limitHeapGrowth's default, and boundHeapSlack's while the live heap is small.
 */
export const REPLAY_HEAP_GROWING_PERCENT = 50;
/** The same, at least: boundHeapSlack's floor, which keeps a large live heap from being collected all the time. */
export const REPLAY_HEAP_GROWING_FLOOR_PERCENT = 15;

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

/**
 * The garbage `kspan replay` lets its old space hold between two full collections, whatever it keeps alive: 16 MiB.
 * A growth in proportion to the live heap (limitHeapGrowth) costs memory in proportion to it: the 1M unique-UID
 * flood keeps ~100 MiB alive and peaked at 280-287 MiB with 50%, 244-250 MiB with 15% (one run each, replay -o
 * tree, quiet machine), where the bench log's ~40-70 MiB alive is in the budget at 50% already.
 */
export const REPLAY_HEAP_SLACK_BYTES = 16 * 1024 * 1024;

/** The heap growth between full collections that keeps it within `slackBytes` of `liveBytes`, within [min, max] %. */
export function growingPercentFor(
  liveBytes: number,
  slackBytes: number,
  min = REPLAY_HEAP_GROWING_FLOOR_PERCENT,
  max = REPLAY_HEAP_GROWING_PERCENT,
): number {
  if (!(liveBytes > 0)) return max;
  return Math.min(max, Math.max(min, Math.floor((100 * slackBytes) / liveBytes)));
}

/** What the old generation holds now, the young generation left out (after a full collection: what is alive). */
function oldGenerationBytes(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'new_space') used += s.space_used_size;
  return used;
}

/** A 'gc' performance entry: its detail names the kind of collection (Node >= 16). */
type GcEntry = PerformanceEntry & { detail?: { kind?: number } };

/**
 * Bounds the heap's growth between full collections to `slackBytes` past what the last one found alive, as a
 * percentage of it (`--heap-growing-percent`, which V8 reads each time it sets the next limit) set again after each
 * full collection: 50% while the live heap is small, down to 15% (the CPU a collection costs grows with what it
 * marks, so the floor keeps a large live heap from being collected all the time: the flood at 15% costs ~30% more
 * CPU than at 50%). A setting of the collector, not a limit: nothing fails when more is alive. Returns a function
 * that stops the adjusting.
 */
export function boundHeapSlack(slackBytes = REPLAY_HEAP_SLACK_BYTES): () => void {
  let percent = REPLAY_HEAP_GROWING_PERCENT;
  limitHeapGrowth(percent);
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().some((e) => (e as GcEntry).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (!major) return;
    const next = growingPercentFor(oldGenerationBytes(), slackBytes);
    if (next === percent) return;
    percent = next;
    limitHeapGrowth(percent);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
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
