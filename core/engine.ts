import { causalRank, scaleHint } from './causal-order.ts';
import { correlate, type ParentChoice } from './correlation-rules.ts';
import { Diagnostics } from './diagnostics.ts';
import type { InputRecord } from './input-record.ts';
import type { KubeEvent } from './kube.ts';
import { normalizeEvent } from './normalize.ts';
import { objectKey, type NormalizedEvent } from './normalized-event.ts';
import { ObjectStore } from './object-store.ts';
import { pairKeyOf, RecentSpans } from './recent-spans.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { retarget, type Retargeted } from './retarget-rules.ts';
import { eventAttributes } from './span-attributes.ts';
import type { SpanSink } from './span-sink.ts';
import type { SpanState, TraceState } from './span-state.ts';
import { TraceAssembler } from './trace-assembler.ts';
import { parseTimeUs, secondOf } from './time.ts';
import { spanIdOf } from './ids.ts';

/** Engine settings; every duration is in event/receive time, never the wall clock. */
export interface EngineOptions {
  readonly sink: SpanSink;
  /** How long an event waits for its causes to arrive before it is placed (delivery jitter + 1 s). Default 5 s. */
  readonly windowMs?: number;
  /** A trace with no new span for this long is finished and emitted. Default 5 min. */
  readonly idleMs?: number;
  /** Emitted spans stay candidate parents this long after their trace's last span, so late effects join it. Default 15 min. */
  readonly retainMs?: number;
  /** A trace older than this is emitted even if still active (a crash loop); later events start a new segment. Default 1 h. */
  readonly maxTraceMs?: number;
  /** Repetitions of one event kept as span events; more are counted. Default 32. */
  readonly maxRepeatEvents?: number;
  /** Event occurrences remembered to drop re-deliveries. Default 200,000. */
  readonly dedupeCapacity?: number;
  /** An object not described again for this long is forgotten (drivers re-describe what they still use). Default 2 h. */
  readonly objectRetentionMs?: number;
}

/** What the engine holds right now. */
export interface EngineStats {
  readonly pendingEvents: number;
  readonly openTraces: number;
  readonly openSpans: number;
  readonly objects: number;
}

interface Pending {
  readonly event: NormalizedEvent;
  readonly target: Retargeted;
  readonly atUs: number;
  readonly second: number;
  readonly rank: number;
  readonly hint: number;
  readonly revision: number;
}

/**
 * The total order events are placed in: second, causal rank, sub-second time, scaling step, then the
 * Event's resourceVersion (etcd revisions grow with creation order; compared only when both are integers),
 * then uid and count so that the order never depends on delivery.
 */
function comparePending(a: Pending, b: Pending): number {
  return (
    a.second - b.second ||
    a.rank - b.rank ||
    a.event.timeUs - b.event.timeUs ||
    a.hint - b.hint ||
    a.revision - b.revision ||
    0 ||
    (a.event.uid < b.event.uid ? -1 : a.event.uid > b.event.uid ? 1 : 0) ||
    a.event.count - b.event.count
  );
}

function revisionOf(event: NormalizedEvent): number {
  const rv = event.resourceVersion;
  return rv !== undefined && /^\d{1,15}$/.test(rv) ? Number(rv) : Number.NaN;
}

/** The deterministic core: input records in, finished spans out to the sink. Never throws on bad input. */
export class Engine {
  readonly diagnostics = new Diagnostics();
  private readonly windowUs: number;
  private readonly idleUs: number;
  private readonly maxRepeatEvents: number;
  private readonly dedupeCapacity: number;
  private readonly objects = new ObjectStore();
  private readonly recent = new RecentSpans();
  private readonly buffer = new ReorderBuffer<Pending>(comparePending);
  private readonly traces: TraceAssembler;
  /** Occurrences already placed, in two generations so that forgetting the oldest half is O(1). */
  private seen = new Map<string, { count: number; timeUs: number }>();
  private seenBefore = new Map<string, { count: number; timeUs: number }>();
  private watermarkUs = Number.NEGATIVE_INFINITY;
  /** The newest placed event's time: the clock that decides when traces are emitted. */
  private eventClockUs = Number.NEGATIVE_INFINITY;
  private nextPruneUs = Number.NEGATIVE_INFINITY;
  private readonly objectRetentionUs: number;
  private lastReleased: Pending | undefined;
  private closed = false;

  constructor(options: EngineOptions) {
    this.windowUs = (options.windowMs ?? 5000) * 1000;
    this.idleUs = (options.idleMs ?? 300_000) * 1000;
    this.maxRepeatEvents = options.maxRepeatEvents ?? 32;
    this.dedupeCapacity = options.dedupeCapacity ?? 200_000;
    this.objectRetentionUs = (options.objectRetentionMs ?? 7_200_000) * 1000;
    this.traces = new TraceAssembler({
      sink: options.sink,
      recent: this.recent,
      idleUs: this.idleUs,
      retainUs: Math.max(this.idleUs, (options.retainMs ?? 900_000) * 1000),
      maxTraceUs: (options.maxTraceMs ?? 3_600_000) * 1000,
    });
  }

  /** Feeds one record. Events wait for the window; objects and ticks take effect at once. */
  push(record: InputRecord): void {
    if (record === null || typeof record !== 'object' || this.closed) {
      this.diagnostics.add('malformed-record', this.closed ? 'record after close()' : 'not an object');
      return;
    }
    let atUs = parseTimeUs(record.at);
    if (atUs === undefined) {
      this.diagnostics.add('bad-receive-time', `${String(record.type)} record at ${JSON.stringify(record.at)}`);
      atUs = Number.isFinite(this.watermarkUs) ? this.watermarkUs : undefined;
    }
    if (atUs !== undefined && atUs > this.watermarkUs) this.watermarkUs = atUs;
    switch (record.type) {
      case 'event':
        if (record.event === null || typeof record.event !== 'object')
          this.diagnostics.add('malformed-record', 'event record without event');
        else if (record.watch !== 'DELETED') this.enqueue(record.event, atUs);
        break;
      case 'object':
        if (
          record.object === null ||
          typeof record.object !== 'object' ||
          !this.objects.upsert(record.object, atUs ?? 0, record.deleted === true)
        ) {
          this.diagnostics.add('malformed-object', `object record at ${String(record.at)}`);
        }
        break;
      case 'tick':
        break;
      default:
        this.diagnostics.add(
          'malformed-record',
          `unknown record type ${JSON.stringify((record as { type?: unknown }).type)}`,
        );
        return;
    }
    this.advance(false);
  }

  /** End of input: places every waiting event and emits every open trace. */
  close(): void {
    if (this.closed) return;
    this.advance(true);
    this.traces.flushAll();
    this.closed = true;
  }

  /** Sizes of the engine's state. */
  stats(): EngineStats {
    return {
      pendingEvents: this.buffer.size,
      openTraces: this.traces.openCount,
      openSpans: this.traces.openSpanCount,
      objects: this.objects.size,
    };
  }

  private enqueue(raw: KubeEvent, atUs: number | undefined): void {
    const received = atUs ?? 0;
    const event = normalizeEvent(raw, received, this.diagnostics);
    if (event === undefined) return;
    const target = retarget(event);
    this.buffer.push({
      event,
      target,
      atUs: atUs ?? event.timeUs,
      second: secondOf(event.timeUs),
      rank: causalRank(event, target),
      hint: scaleHint(target),
      revision: revisionOf(event),
    });
  }

  private advance(all: boolean): void {
    for (;;) {
      const head = this.buffer.peek();
      if (head === undefined || (!all && head.atUs + this.windowUs > this.watermarkUs)) break;
      this.buffer.pop();
      this.place(head);
    }
    if (!all) {
      // With no new events (quiet cluster, ticks only), receive time moves the clock on, two windows behind:
      // any event not placed yet is later than that, so this emits nothing the event clock would not.
      this.traces.flushIdle(Math.max(this.eventClockUs, this.watermarkUs - 2 * this.windowUs));
      if (this.watermarkUs >= this.nextPruneUs) {
        const nowUs = this.watermarkUs - this.windowUs;
        this.objects.prune(nowUs - 2 * this.idleUs, nowUs - this.objectRetentionUs);
        this.nextPruneUs = this.watermarkUs + 60_000_000;
      }
    }
  }

  private place(p: Pending): void {
    const { event, target } = p;
    if (this.lastReleased !== undefined && comparePending(p, this.lastReleased) < 0) {
      this.diagnostics.add('late-event', `${event.namespace}/${event.name} ${event.reason}`);
    } else {
      this.lastReleased = p;
    }
    if (this.isDuplicate(event)) return;
    if (event.timeUs > this.eventClockUs) {
      this.eventClockUs = event.timeUs;
      this.traces.flushIdle(this.eventClockUs);
    }
    const existing = this.recent.ofEvent(event.uid);
    if (existing !== undefined && !existing.emitted) {
      this.repeat(existing, event);
      return;
    }
    const actorKey = objectKey(target.actor);
    const objKey = objectKey(target.object);
    if (event.reason === 'Scheduled' && target.object.kind === 'Pod') {
      // "Successfully assigned <ns>/<pod> to <node>" (pkg/scheduler/schedule_one.go)
      const node = /\bto (\S+)$/.exec(event.message)?.[1];
      if (node !== undefined) this.objects.assignNode(objKey, node);
    }
    const choice = correlate({
      event,
      target,
      actorKey,
      objectKey: objKey,
      recent: this.recent,
      objects: this.objects,
      diagnostics: this.diagnostics,
    });
    this.open(p, choice, actorKey, objKey);
  }

  private isDuplicate(event: NormalizedEvent): boolean {
    const seen = this.seen.get(event.uid) ?? this.seenBefore.get(event.uid);
    if (seen !== undefined && event.count <= seen.count && event.timeUs <= seen.timeUs) {
      this.diagnostics.add('duplicate', `${event.namespace}/${event.name} ${event.reason} count ${event.count}`);
      return true;
    }
    if (seen !== undefined && this.seen.get(event.uid) === seen) {
      seen.count = Math.max(event.count, seen.count);
      seen.timeUs = Math.max(event.timeUs, seen.timeUs);
    } else {
      this.seen.set(event.uid, {
        count: Math.max(event.count, seen?.count ?? 0),
        timeUs: Math.max(event.timeUs, seen?.timeUs ?? 0),
      });
    }
    if (this.seen.size >= this.dedupeCapacity / 2) {
      this.seenBefore = this.seen;
      this.seen = new Map();
    }
    return false;
  }

  private repeat(span: SpanState, event: NormalizedEvent): void {
    span.count = Math.max(span.count, event.count);
    span.attributes['k8s.event.count'] = span.count;
    if (event.message !== '' && event.message !== span.attributes['k8s.event.message'])
      span.attributes['k8s.event.last_message'] = event.message;
    span.lastUs = Math.max(span.lastUs, event.timeUs);
    span.trace.lastUs = Math.max(span.trace.lastUs, event.timeUs);
    if (span.events.length < this.maxRepeatEvents) {
      span.events.push({
        name: 'repeated',
        timeUs: Math.max(event.timeUs, span.startUs),
        attributes: { 'k8s.event.count': event.count },
      });
    } else {
      span.droppedRepeats += 1;
      span.attributes['kspan.repeats_not_shown'] = span.droppedRepeats;
    }
  }

  /**
   * A whole-second timestamp only says the event happened within that second. Events are placed in causal
   * order, so the earliest time consistent with what came before is just after the previous span on the same
   * object (or the parent's start), when that falls inside the same second.
   */
  private refineWithinSecond(startUs: number, parent: SpanState | undefined, objKey: string): number {
    const limit = startUs + 1_000_000;
    let refined = startUs;
    if (parent !== undefined && parent.startUs > refined && parent.startUs < limit) refined = parent.startUs;
    const about = this.recent.aboutObject(objKey);
    const previous = about[about.length - 1];
    if (previous !== undefined && previous.startUs >= refined && previous.startUs + 1 < limit)
      refined = previous.startUs + 1;
    return refined;
  }

  private open(p: Pending, choice: ParentChoice, actorKey: string, objKey: string): void {
    const { event, target } = p;
    let trace: TraceState;
    let parent: SpanState | undefined;
    let externalParentId: string | undefined;
    if ('span' in choice) {
      parent = choice.span;
      trace = parent.trace;
    } else if ('external' in choice) {
      trace = this.traces.openExternal(choice.external.traceId, choice.external.spanId, event.timeUs);
      externalParentId = choice.external.spanId;
    } else {
      const opened = this.traces.openRoot(choice.root, event.timeUs);
      trace = opened.trace;
      parent = opened.root;
    }
    // Only the event's own reference gives the object's uid: a store lookup by name could see a namesake
    // (a StatefulSet Pod recreated) depending on delivery timing.
    const attributes = eventAttributes(event, target, target.object.uid);
    attributes['kspan.rule'] = choice.rule;
    let startUs = event.count > 1 ? event.firstUs : event.timeUs;
    if (!event.precise) startUs = this.refineWithinSecond(startUs, parent, objKey);
    if (parent !== undefined && startUs < parent.startUs) {
      attributes['kspan.clamped'] = true;
      attributes['kspan.original_start_us'] = startUs;
      this.diagnostics.add('clamped-start', `${event.namespace}/${event.name} ${event.reason}`);
      startUs = parent.startUs;
    }
    const previous = this.recent.latestOfPair(actorKey, objKey);
    if (previous !== undefined && previous.trace === trace && !previous.emitted && previous.endedByNextUs === undefined)
      previous.endedByNextUs = startUs;
    const s = target.scale;
    const span: SpanState = {
      spanId: spanIdOf(event.uid, event.count),
      trace,
      parent,
      externalParentId,
      name: `${target.actor.kind}.${event.reason === '' ? 'Event' : event.reason}`,
      startUs,
      lastUs: Math.max(startUs, event.timeUs),
      serviceName: event.component,
      attributes,
      events: [],
      error: event.type === 'Warning',
      statusMessage: event.type === 'Warning' ? event.message : undefined,
      actorKey,
      objectKey: objKey,
      pairKey: pairKeyOf(actorKey, objKey),
      eventUid: event.uid,
      count: event.count,
      scale:
        s === undefined
          ? undefined
          : {
              direction: s.direction,
              capacity: s.from === undefined ? Number.POSITIVE_INFINITY : Math.abs(s.to - s.from),
              used: 0,
            },
      droppedRepeats: 0,
      emitted: false,
    };
    this.traces.add(span);
  }
}
