import type { InputRecord } from '../core/index.ts';
import { deliver } from './delivery.ts';
import { SCENARIOS } from './scenario-catalog.ts';
import { parseUs, rfc3339Micro } from './timestamps.ts';

/** Scenarios mixed into a long log (those whose objects all appear after the scenario starts). */
export const STREAM_MIX: readonly string[] = [
  'deployment-create',
  'rolling-update',
  'scale-down',
  'scale-up',
  'statefulset-rollout',
  'image-pull-backoff',
  'rollback',
  'replicaset-bare',
  'daemonset-rollout',
  'job-parallel',
  'crash-loop',
  'pod-evicted',
  'failed-scheduling',
];

/** Options of a long generated log. */
export interface StreamOptions {
  readonly events: number;
  readonly seed: number;
  readonly jitterMs?: number;
  /** A new scenario starts every this many milliseconds (each in its own namespace). Default 2000. */
  readonly everyMs?: number;
}

interface Cursor {
  readonly records: InputRecord[];
  readonly atUs: number[];
  i: number;
}

/**
 * An endless cluster, lazily: scenarios start one after another in their own namespaces and overlap in
 * time; their deliveries are merged by receive time, with one tick a second. Stops after `events` events.
 * Holds only the scenarios in flight, so memory does not grow with the length of the log.
 */
export function* recordStream(o: StreamOptions): Generator<InputRecord> {
  const everyUs = (o.everyMs ?? 2000) * 1000;
  const startUs = Date.UTC(2024, 4, 5, 0, 0, 0) * 1000;
  const live: Cursor[] = [];
  let nextChunk = 0;
  let emitted = 0;
  let lastTick = -1;
  while (emitted < o.events) {
    // Start every scenario that begins before the earliest pending record.
    let head = earliest(live);
    while (head === undefined || startUs + nextChunk * everyUs <= (head.atUs[head.i] ?? Infinity)) {
      live.push(chunk(nextChunk, startUs + nextChunk * everyUs, o));
      nextChunk++;
      head = earliest(live);
    }
    const rec = head.records[head.i];
    const at = head.atUs[head.i] ?? 0;
    head.i++;
    if (head.i >= head.records.length) live.splice(live.indexOf(head), 1);
    if (rec === undefined) continue;
    const second = Math.floor(at / 1_000_000);
    if (lastTick >= 0 && second > lastTick) yield { type: 'tick', at: rfc3339Micro(second * 1_000_000) };
    lastTick = second;
    if (rec.type === 'event') emitted++;
    yield rec;
  }
}

function chunk(index: number, startUs: number, o: StreamOptions): Cursor {
  const name = STREAM_MIX[index % STREAM_MIX.length] ?? 'deployment-create';
  const seed = (o.seed * 1_000_003 + index) >>> 0;
  const story = SCENARIOS[name]?.build(seed, { startUs, namespace: `ns-${index}` });
  const records = story === undefined ? [] : deliver(story, { seed, jitterMs: o.jitterMs ?? 3000, tickMs: 0 });
  return { records, atUs: records.map((r) => parseUs(r.at)), i: 0 };
}

function earliest(live: readonly Cursor[]): Cursor | undefined {
  let best: Cursor | undefined;
  for (const c of live) if (best === undefined || (c.atUs[c.i] ?? Infinity) < (best.atUs[best.i] ?? Infinity)) best = c;
  return best;
}
