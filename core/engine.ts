import { correlate } from './correlation-rules.ts';
import { Diagnostics } from './diagnostics.ts';
import { ENGINE_DEFAULTS } from './engine-defaults.ts';
import { EventIndex } from './event-index.ts';
import { EventMemory } from './event-memory.ts';
import { withPlausibleTime, type TimeLimits } from './plausible-time.ts';
import type { EngineOptions, EngineStats } from './engine-options.ts';
import type { InputRecord } from './input-record.ts';
import type { KubeEvent } from './kube.ts';
import { NODE_ASSIGNMENT } from './node-assignment.ts';
import { normalizeEvent } from './normalize.ts';
import { ObjectStore } from './object-store.ts';
import { OccurrenceDedupe } from './occurrence-dedupe.ts';
import { comparePending, pendingEventOf, type PendingEvent } from './placement-order.ts';
import { RecentSpans } from './recent-spans.ts';
import { NO_SPANS } from './span-state.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { isAnotherAction, recordRepeat } from './repeat-occurrence.ts';
import { Retargeter } from './retarget-rules.ts';
import { closeEarlierScalings, ScaleLedger, scaleCapacity } from './scale-ledger.ts';
import { buildSpan } from './span-builder.ts';
import { SubjectIdentity, subjectKey } from './subject-identity.ts';
import { TraceAssembler } from './trace-assembler.ts';
import { parseTimeUs } from './time.ts';
import { StringPool } from './string-pool.ts';
import type { SpanSink } from './span-sink.ts';
import { spanIdOf } from './ids.ts';
import { PairKeys } from './pair-keys.ts';

export type { EngineOptions, EngineStats } from './engine-options.ts';

/**
 * The deterministic core: input records in, finished spans out to the sink. Never throws on bad input.
 * Each event goes through the pipeline of shared/DESIGN.md: normalize → retarget → (reorder window, in
 * placement order) → correlate → build → lifecycle (trace assembler).
 */
export class Engine {
  readonly diagnostics = new Diagnostics();
  private readonly windowUs: number;
  private readonly idleUs: number;
  private readonly maxRepeatEvents: number;
  private objects: ObjectStore;
  /** One copy of the short strings every Event repeats (namespaces, reasons, components): held spans keep them. */
  private readonly strings = new StringPool();
  /** Span names (`Kind.Reason`), one copy each, found without building the name. */
  private readonly spanNames = new PairKeys('.');
  private readonly retargeter: Retargeter;
  /** What the engine holds about each Event, by uid, in one record (dedupe, open span, first span). */
  private readonly events: EventIndex;
  private readonly recent: RecentSpans;
  private readonly scales = new ScaleLedger();
  private readonly buffer = new ReorderBuffer<PendingEvent>(comparePending);
  private readonly traces: TraceAssembler;
  private dedupe: OccurrenceDedupe;
  private memory: EventMemory;
  private readonly timeLimits: TimeLimits;
  private readonly subjects: SubjectIdentity;
  private watermarkUs = Number.NEGATIVE_INFINITY;
  /** The newest placed event's time: the clock that decides when traces are emitted. */
  private eventClockUs = Number.NEGATIVE_INFINITY;
  private nextPruneUs = Number.NEGATIVE_INFINITY;
  private readonly objectRetentionUs: number;
  private lastReleased: PendingEvent | undefined;
  private closed = false;
  private readonly sink: SpanSink;

  constructor(options: EngineOptions) {
    this.retargeter = new Retargeter(options.retargetRules);
    this.sink = options.sink;
    const d = ENGINE_DEFAULTS;
    const maxHeldSpans = options.maxHeldSpans ?? d.maxHeldSpans;
    const dedupeCapacity = options.dedupeCapacity ?? d.dedupeCapacity;
    const memoryCapacity = options.eventMemoryCapacity ?? d.eventMemoryCapacity;
    // An Event's record is held while the dedupe, the memory or a held span holds it: at most all three capacities
    // (the columns of the index and of the objects with open spans grow to their full size in one step).
    this.events = new EventIndex(dedupeCapacity + memoryCapacity + maxHeldSpans + 1);
    this.recent = new RecentSpans(this.events, maxHeldSpans + 1);
    this.windowUs = (options.windowMs ?? d.windowMs) * 1000;
    // The window is at least the delivery jitter + 1 s: records arrive at most that much less 1 s late.
    this.objects = new ObjectStore(Math.max(0, this.windowUs - 1_000_000));
    this.idleUs = (options.idleMs ?? d.idleMs) * 1000;
    this.maxRepeatEvents = options.maxRepeatEvents ?? d.maxRepeatEvents;
    this.dedupe = new OccurrenceDedupe(dedupeCapacity, (options.eventTtlMs ?? d.eventTtlMs) * 1000, this.events);
    // An Event listed at start-up may be as old as the Event TTL; clocks disagree by seconds, not minutes.
    this.timeLimits = { aheadUs: 15 * 60_000_000, behindUs: ((options.eventTtlMs ?? d.eventTtlMs) + 3_600_000) * 1000 };
    this.memory = new EventMemory(
      {
        ttlUs: (options.eventTtlMs ?? d.eventTtlMs) * 1000,
        capacity: memoryCapacity,
      },
      this.events,
    );
    this.objectRetentionUs = (options.objectRetentionMs ?? d.objectRetentionMs) * 1000;
    this.subjects = new SubjectIdentity(
      Math.max(this.idleUs, (options.retainMs ?? d.retainMs) * 1000),
      this.retargeter,
    );

    this.traces = new TraceAssembler({
      sink: options.sink,
      recent: this.recent,
      idleUs: this.idleUs,
      retainUs: Math.max(this.idleUs, (options.retainMs ?? d.retainMs) * 1000),
      maxTraceUs: (options.maxTraceMs ?? d.maxTraceMs) * 1000,
      maxHeldSpans,
      forgetUs: this.objectRetentionUs,
      diagnostics: this.diagnostics,
      strings: this.strings,
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
    // Nothing is placed after the close: what only placing reads goes at once, not when the engine does (a
    // shutdown exports for seconds after it, with the objects of a whole burst otherwise still held).
    this.objects = new ObjectStore();
    this.events.clear();
    this.memory = new EventMemory({ ttlUs: 0, capacity: 0 }, this.events);
    this.dedupe = new OccurrenceDedupe(0, undefined, this.events);
  }

  /**
   * The earliest start (µs) of a span that an Event fed but not placed yet (waiting in the window) may give before
   * spans of its trace already emitted, without the sink having been told (`late`): a series seen for the first time
   * (its span starts at its first occurrence). +Infinity when there is none. An Event behind the placement order was
   * named when it was fed; one waiting in order is placed in order.
   */
  unplacedFloorUs(): number {
    let floor = Number.POSITIVE_INFINITY;
    this.buffer.forEach((p) => {
      const e = p.event;
      // A later occurrence of a series already seen repeats into its span or continues it from this occurrence on.
      if (
        e.firstUs < e.timeUs &&
        e.count > 1 &&
        this.recent.ofEvent(e.uid) === undefined &&
        !this.memory.knows(e.uid, e.timeUs)
      )
        floor = Math.min(floor, e.firstUs);
    });
    return floor;
  }

  /** Sizes of the engine's state. */
  stats(): EngineStats {
    return {
      pendingEvents: this.buffer.size,
      openTraces: this.traces.openCount,
      openSpans: this.traces.openSpanCount,
      retainedSpans: this.traces.retainedSpanCount,
      forgottenRoots: this.traces.forgottenRootCount,
      dueEntries: this.traces.dueCount,
      rememberedEvents: this.memory.size.events,
      rememberedObjects: this.memory.size.objects,
      dedupedOccurrences: this.dedupe.size,
      objects: this.objects.size,
    };
  }

  /** Steps 1 and 2: normalize, retarget; then the event waits in the reorder window. */
  private enqueue(raw: KubeEvent, atUs: number | undefined): void {
    const normalized = normalizeEvent(raw, atUs ?? 0, this.diagnostics, this.strings);
    if (normalized === undefined) return;
    const event = atUs === undefined ? normalized : withPlausibleTime(normalized, atUs, this.timeLimits);
    if (event !== normalized)
      this.diagnostics.add('implausible-event-time', `${event.namespace}/${event.name} ${event.reason}`);
    const pending = pendingEventOf(event, this.retargeter.retarget(event), atUs ?? event.timeUs);
    // Behind the placement order already: it will be placed late (the order placed only grows), its span is named now.
    // So is one whose subject is identified only when it is placed (incomplete) in a second the order has reached:
    // its place within the second is its identified subject's, and may be before what was placed (if not, naming it
    // costs the export checkpoint an exception, never a span).
    const last = this.lastReleased;
    if (
      last !== undefined &&
      (comparePending(pending, last) < 0 || (event.incomplete !== undefined && pending.second <= last.second))
    )
      this.sink.late?.(spanIdOf(event.uid, event.count), Math.min(event.timeUs, event.firstUs));
    this.buffer.push(pending);
  }

  /** Releases the events the window has passed, in placement order; lets idle traces go and old objects be forgotten. */
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
        this.memory.prune(this.eventClockUs);
        this.nextPruneUs = this.watermarkUs + 60_000_000;
      }
    }
  }

  /** Steps 3 to 5 for one released event: identify, dedupe, repeat or correlate, build, hand to the trace assembler. */
  private place(released: PendingEvent): void {
    const p = this.subjects.identify(released, this.objects);
    const { event, target } = p;
    const late = this.lastReleased !== undefined && comparePending(p, this.lastReleased) < 0;
    if (late) {
      this.diagnostics.add('late-event', `${event.namespace}/${event.name} ${event.reason}`);
    } else {
      this.lastReleased = p;
    }
    // The Event's record, looked up once: the dedupe, the open span and the memory are all parts of it.
    const entry = this.dedupe.admit(event);
    if (entry === undefined) {
      this.diagnostics.add('duplicate', `${event.namespace}/${event.name} ${event.reason} count ${event.count}`);
      return;
    }
    if (event.timeUs > this.eventClockUs) {
      this.eventClockUs = event.timeUs;
      this.traces.flushIdle(this.eventClockUs);
    }
    const builtActorKey = subjectKey(target.actor, event.uid);
    const builtObjectKey = target.object === target.actor ? builtActorKey : subjectKey(target.object, event.uid);
    const existing = this.events.spanOf(entry);
    const anotherAction =
      existing !== undefined && !existing.emitted && isAnotherAction(existing, event, builtActorKey !== builtObjectKey);
    if (existing !== undefined && !existing.emitted && !anotherAction) {
      recordRepeat(existing, event, this.maxRepeatEvents);
      this.memory.touch(event.uid, builtObjectKey, event.timeUs, entry);
      return;
    }
    // The object's record of open spans, looked up once: the rules read its spans, `add` and `latestOfPair` take it.
    const record = this.recent.recordOf(builtObjectKey);
    const about = record?.spans ?? NO_SPANS;
    // The record's key is the same text: the spans about an object hold one copy of its key, not one each.
    const objKey = record === undefined ? builtObjectKey : record.key;
    const actorKey = builtActorKey === builtObjectKey ? objKey : builtActorKey;
    const choice = correlate({
      event,
      target,
      actorKey,
      objectKey: objKey,
      objectSpans: about,
      recent: this.recent,
      objects: this.objects,
      memory: this.memory,
      eventEntry: entry,
      diagnostics: this.diagnostics,
    });
    const node = NODE_ASSIGNMENT.nodeOf(event, target);
    if (node !== undefined) this.objects.assignNode(objKey, node);
    const placed = this.traces.traceFor(choice, event.timeUs, objKey);
    const { trace, externalParentId } = placed;
    // A `topLevelSpan` Event heads its change's trace: the synthesized root goes under it, if not exported yet.
    const root = 'heads' in choice && choice.heads === true ? placed.parent : undefined;
    const heads = root !== undefined && !root.emitted && root.parent === undefined;
    if (root !== undefined && !heads)
      this.diagnostics.add('late-top-level-event', `${event.namespace}/${event.name} ${event.reason}`);
    const parent = heads ? undefined : placed.parent;
    // A scaling's share of children: |to − from|, with `from` read from the ledger when the message has none.
    const s = target.scale;
    const capacity =
      s === undefined ? undefined : scaleCapacity(s.to, this.scales.sizeBefore(objKey, s, event.timeUs, this.objects));
    const span = buildSpan(
      p,
      {
        rule: choice.rule,
        trace,
        parent,
        externalParentId,
        actorKey,
        objectKey: objKey,
        previousAboutObject: about[about.length - 1],
        // Plain properties, not spread ones: one shape for every event, and no object copied.
        scaleCapacity: capacity,
        continues: 'continues' in choice ? choice.continues : undefined,
        thisOccurrence: anotherAction ? true : undefined,
      },
      this.diagnostics,
      this.spanNames,
    );
    // A Pod's node, once known (its spec, or the scheduler's assignment): `k8s.node.name` on all its spans.
    if (target.object.kind === 'Pod' && span.attributes['k8s.node.name'] === undefined) {
      const ends = event.reason === 'SuccessfulDelete' || target.stops === true;
      const podNode = this.objects.nodeOf(objKey, target.object.uid, event.timeUs, ends);
      if (podNode !== undefined) span.attributes['k8s.node.name'] = podNode;
    }
    if (heads) {
      if (root.startUs < span.startUs) {
        span.attributes['kspan.clamped'] = true;
        span.attributes['kspan.original_start_us'] = span.startUs;
        span.startUs = root.startUs;
      }
      root.parent = span;
    }
    if (s !== undefined) {
      this.scales.record(objKey, s.to);
      closeEarlierScalings(this.recent, objKey, actorKey, s.direction, Math.floor(span.startUs / 1_000_000));
    }
    // Lifecycle: a span stays open until the next event on the same actor→object pair ends it.
    const previous = this.recent.latestOfPair(actorKey, objKey, record);
    if (previous !== undefined && previous.trace === trace && !previous.emitted && previous.endedByNextUs === undefined)
      previous.endedByNextUs = span.startUs;
    this.traces.add(span, entry, record);
    // Named when it may be emitted after a span of its trace it precedes: placed late, a later occurrence, or starting
    // no later than a span of its trace already emitted (a series seen first now starts at its first occurrence).
    const occurrence = anotherAction || ('continues' in choice && choice.continues !== undefined);
    if (late || occurrence || span.startUs <= trace.emittedUntilUs)
      this.sink.late?.(span.spanId, span.startUs, occurrence);
    this.subjects.observe(event, target.actor, actorKey);
    // After the choice: what the memory answered was as of before this event.
    this.memory.remember(span, event.reason === 'SuccessfulDelete', event.timeUs, entry);
    this.traces.shed();
  }
}
