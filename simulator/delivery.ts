import type { InputRecord } from '../core/index.ts';
import { subjectFaults, withIncompleteSubject } from './incomplete-subjects.ts';
import { Rng } from './prng.ts';
import type { Happening, Story } from './story.ts';
import { rfc3339Micro } from './timestamps.ts';

/** How the happenings of a story reach kspan. */
export interface DeliveryOptions {
  readonly seed: number;
  /** Each record arrives up to this late (uniform), so records within the window shuffle. Default 3000. */
  readonly jitterMs?: number;
  /** Share of events delivered a second time later, as after a watch re-list. Default 0. */
  readonly duplicateRate?: number;
  /** Share of object snapshots that arrive after the events about them. Default 0. */
  readonly lateObjectRate?: number;
  /** Extra delay of a late object, in milliseconds. Default 4000. */
  readonly lateMs?: number;
  /** Share of deleted Pods that are never described (gone before the driver fetched them). Default 0. */
  readonly missingPodRate?: number;
  /** Share of Events delivered with an incomplete subject (no kind, no name, or none; see subjectFaults). Default 0. */
  readonly incompleteSubjectRate?: number;
  /** A `tick` record each time receive time crosses a multiple of this; 0 for none. Default 1000. */
  readonly tickMs?: number;
}

interface Timed {
  readonly atUs: number;
  readonly seq: number;
  readonly record: InputRecord;
}

/**
 * Turns a story into an input log: receive times with jitter, duplicates, late and missing objects, incomplete
 * subjects, ticks.
 */
export function deliver(story: Story, options: DeliveryOptions): InputRecord[] {
  return deliverHappenings(story.happenings, options);
}

/** `deliver` over bare happenings (in true-time order). */
export function deliverHappenings(happenings: readonly Happening[], options: DeliveryOptions): InputRecord[] {
  const rng = new Rng(options.seed ^ 0x5eed);
  const jitterUs = (options.jitterMs ?? 3000) * 1000;
  const lateUs = (options.lateMs ?? 4000) * 1000;
  const missing = missingPods(happenings, rng, options.missingPodRate ?? 0);
  const incomplete = subjectFaults(happenings, options.incompleteSubjectRate ?? 0);
  const lastAtOfEvent = new Map<string, number>();
  const timed: Timed[] = [];
  let seq = 0;
  for (const h of happenings) {
    let atUs = h.timeUs + Math.floor(rng.next() * jitterUs);
    if (h.type === 'object') {
      if (missing.has(h.object.metadata?.uid ?? '')) continue;
      if (rng.chance(options.lateObjectRate ?? 0)) atUs += lateUs;
      timed.push({
        atUs,
        seq: seq++,
        record: { type: 'object', at: '', ...(h.deleted ? { deleted: true } : {}), object: h.object },
      });
      continue;
    }
    // One watch stream delivers one Event's updates in order.
    const uid = h.event.metadata?.uid ?? '';
    atUs = Math.max(atUs, (lastAtOfEvent.get(uid) ?? 0) + 1);
    lastAtOfEvent.set(uid, atUs);
    const fault = incomplete.get(uid);
    const event = fault === undefined ? h.event : withIncompleteSubject(h.event, fault);
    timed.push({ atUs, seq: seq++, record: { type: 'event', at: '', watch: h.watch, event } });
    if (rng.chance(options.duplicateRate ?? 0)) {
      timed.push({
        atUs: atUs + Math.floor(rng.next() * 2 * jitterUs) + 1,
        seq: seq++,
        record: { type: 'event', at: '', event },
      });
    }
  }
  timed.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
  return withTicks(timed, (options.tickMs ?? 1000) * 1000);
}

function withTicks(timed: readonly Timed[], tickUs: number): InputRecord[] {
  const out: InputRecord[] = [];
  let lastTick = -1;
  for (const t of timed) {
    if (tickUs > 0) {
      const tick = Math.floor(t.atUs / tickUs);
      if (lastTick >= 0 && tick > lastTick) out.push({ type: 'tick', at: rfc3339Micro(tick * tickUs) });
      lastTick = tick;
    }
    out.push({ ...t.record, at: rfc3339Micro(t.atUs) });
  }
  return out;
}

function missingPods(happenings: readonly Happening[], rng: Rng, rate: number): Set<string> {
  const out = new Set<string>();
  if (rate <= 0) return out;
  for (const h of happenings) {
    if (h.type === 'object' && h.deleted && h.object.kind === 'Pod' && rng.chance(rate))
      out.add(h.object.metadata?.uid ?? '');
  }
  return out;
}
