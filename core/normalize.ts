import type { Diagnostics } from './diagnostics.ts';
import { isClusterScoped } from './cluster-scoped.ts';
import { eventTimeFields, isEventsV1, precedenceTimeUs } from './event-time.ts';
import { spanIdOf } from './ids.ts';
import type { CoreV1Event, EventsV1Event, KubeEvent, ObjectReference } from './kube.ts';
import {
  TOP_LEVEL_EVENT_ANNOTATION,
  type EventObject,
  type NormalizedEvent,
  type SubjectGap,
} from './normalized-event.ts';
import { parseTimeUs } from './time.ts';
import type { StringPool } from './string-pool.ts';

/** No pooling: each string as parsed. */
const AS_IS = { intern: <S extends string>(s: S, _slot?: number): S => s };

/** The pool's slots (StringPool.intern) of the fields normalizeEvent interns: the involved object's from 0, related's from 4. */
const REGARDING_SLOTS = 0;
const RELATED_SLOTS = 4;
const NAMESPACE_SLOT = 8;
const REASON_SLOT = 9;
const TYPE_SLOT = 10;
const ACTION_SLOT = 11;
const COMPONENT_SLOT = 12;
const INSTANCE_SLOT = 13;

/** True when the reference names a namespace of its own (rather than leaving it to the Event's). */
function namesNamespace(ref: ObjectReference | undefined): ref is ObjectReference & { readonly namespace: string } {
  return (
    ref !== undefined &&
    ref !== null &&
    typeof ref === 'object' &&
    typeof ref.namespace === 'string' &&
    ref.namespace !== ''
  );
}

/** What an involved object's reference left out: its kind, its name, or both. */
function gapOf(o: EventObject): SubjectGap | undefined {
  return o.kind === '' && o.name === '' ? 'kind,name' : o.kind === '' ? 'kind' : o.name === '' ? 'name' : undefined;
}

/** The involved object as far as the reference names it (what it leaves out: gapOf, namesNamespace). */
function toEventObject(
  ref: ObjectReference | undefined,
  fallbackNamespace: string,
  pool: Pick<StringPool, 'intern'>,
  slots: number,
): EventObject {
  const r: ObjectReference = ref !== undefined && ref !== null && typeof ref === 'object' ? ref : {};
  const kind = typeof r.kind === 'string' ? pool.intern(r.kind, slots) : '';
  const name = typeof r.name === 'string' ? r.name : '';
  return {
    kind,
    namespace: namesNamespace(r)
      ? pool.intern(r.namespace, slots + 1)
      : kind !== '' && isClusterScoped(kind)
        ? ''
        : fallbackNamespace,
    name,
    uid: typeof r.uid === 'string' && r.uid !== '' ? r.uid : undefined,
    apiVersion: typeof r.apiVersion === 'string' ? pool.intern(r.apiVersion, slots + 2) : undefined,
    resourceVersion: typeof r.resourceVersion === 'string' && r.resourceVersion !== '' ? r.resourceVersion : undefined,
    fieldPath: typeof r.fieldPath === 'string' && r.fieldPath !== '' ? pool.intern(r.fieldPath, slots + 3) : undefined,
  };
}

/** Fields only an Event has: a payload with none of them is not an Event (an object in the wrong place). */
const EVENT_FIELDS = [
  'involvedObject',
  'regarding',
  'reason',
  'message',
  'note',
  'source',
  'reportingComponent',
  'reportingController',
  'eventTime',
  'firstTimestamp',
  'lastTimestamp',
  'deprecatedFirstTimestamp',
  'deprecatedLastTimestamp',
  'series',
] as const;

/** Why a payload is not an Event, or undefined when it is one. */
function notAnEvent(raw: KubeEvent): string | undefined {
  if (raw.kind !== undefined && raw.kind !== 'Event') return `kind ${JSON.stringify(raw.kind)}`;
  const fields = raw as Record<string, unknown>;
  // A loop, not some() with a closure: this runs for every Event (and an Event has its first field at once).
  for (const f of EVENT_FIELDS) if (fields[f] !== undefined && fields[f] !== null) return undefined;
  return 'none of the Event fields';
}

/** Stable ID parts of an Event without metadata.uid: its name, or (nameless too) what it says and names. */
function derivedUid(namespace: string, name: string, firstUs: number, raw: KubeEvent, v1: boolean): string {
  if (name !== '') return `${namespace}/${name}/${firstUs}`;
  const ref = (v1 ? (raw as EventsV1Event).regarding : (raw as CoreV1Event).involvedObject) ?? {};
  const said = v1 ? (raw as EventsV1Event).note : (raw as CoreV1Event).message;
  const content = [ref.kind, ref.namespace, ref.name, ref.uid, raw.reason, said, raw.type].map((x) =>
    typeof x === 'string' ? x : '',
  );
  return `${namespace}//${firstUs}/${spanIdOf(...content)}`;
}

/** How diagnostics name an Event: built only when one is recorded. */
function whereOf(namespace: string, name: string): string {
  return `event ${namespace}/${name}`;
}

const GAP_TEXT: Readonly<Record<SubjectGap, string>> = {
  kind: 'without kind',
  name: 'without name',
  'kind,name': 'without kind and name',
};

/** True when the text has a `.` followed by digits not all zero (what `/\.\d*[1-9]/` matches), without a regex per event. */
function hasFraction(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  for (let dot = value.indexOf('.'); dot >= 0; dot = value.indexOf('.', dot + 1)) {
    for (let i = dot + 1; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (c !== 48) return true;
    }
  }
  return false;
}

/**
 * Normalizes either Event API into one shape (timestamp precedence: eventTime / series, then lastTimestamp,
 * then firstTimestamp). An Event whose involved object lacks a kind or a name is kept, with what it names and a
 * diagnostic (`incomplete-subject`); only a payload that is not an Event at all is refused (undefined).
 * Short repeated fields (namespace, reason, type, component, instance, kinds) come from `pool` when given.
 */
export function normalizeEvent(
  raw: KubeEvent,
  receivedUs: number,
  diagnostics: Diagnostics,
  pool: Pick<StringPool, 'intern'> = AS_IS,
): NormalizedEvent | undefined {
  if (raw === null || typeof raw !== 'object') {
    diagnostics.add('malformed-record', 'event payload is not an object');
    return undefined;
  }
  const refused = notAnEvent(raw);
  if (refused !== undefined) {
    diagnostics.add('not-an-event', `event record payload: ${refused}`);
    return undefined;
  }
  const meta = raw.metadata ?? {};
  const namespace = typeof meta.namespace === 'string' ? pool.intern(meta.namespace, NAMESPACE_SLOT) : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  const v1 = isEventsV1(raw);
  const subjectRef = v1 ? raw.regarding : raw.involvedObject;
  const regarding = toEventObject(subjectRef, namespace, pool, REGARDING_SLOTS);
  const missing = gapOf(regarding);
  if (missing !== undefined)
    diagnostics.add(
      'incomplete-subject',
      `${whereOf(namespace, name)}: ${v1 ? 'regarding' : 'involvedObject'} ${GAP_TEXT[missing]}`,
    );
  // Most Events relate to nothing: no reference to read (an absent one would come out incomplete, so unused).
  const relatedRef =
    raw.related !== undefined && raw.related !== null && typeof raw.related === 'object'
      ? toEventObject(raw.related, namespace, pool, RELATED_SLOTS)
      : undefined;
  const related = relatedRef !== undefined && gapOf(relatedRef) === undefined ? relatedRef : undefined;
  const series = raw.series ?? undefined;
  const times = eventTimeFields(raw, v1);
  const { observed, first, last } = times;
  let count: number | undefined;
  let component: string | undefined;
  let instance: string | undefined;
  let message: string | undefined;
  if (v1) {
    const e = raw;
    count = series?.count ?? e.deprecatedCount;
    component = e.reportingController || e.deprecatedSource?.component;
    instance = e.reportingInstance || e.deprecatedSource?.host;
    message = e.note;
  } else {
    const e = raw;
    count = series?.count ?? e.count;
    component = e.reportingComponent || e.source?.component;
    instance = e.reportingInstance || e.source?.host;
    message = e.message;
  }
  const observedUs = observed === undefined || observed === null || observed === '' ? undefined : parseTimeUs(observed);
  let timeUs =
    observedUs ??
    precedenceTimeUs(times, (c) =>
      diagnostics.add('malformed-timestamp', `${whereOf(namespace, name)}: ${JSON.stringify(c)}`),
    );
  const precise = observedUs !== undefined && hasFraction(observed);
  if (timeUs === undefined) {
    timeUs = parseTimeUs(meta.creationTimestamp) ?? receivedUs;
    diagnostics.add('no-timestamp', whereOf(namespace, name));
  }
  // Most Events have one time field for both (eventTime without a series), or a first and last timestamp alike (a
  // core/v1 Event seen once): parsed once. When the time was not observed, it is the last timestamp's if that parses;
  // a first one alike parses the same, or neither does (then the first time falls back to the time, as below).
  let firstUs =
    (first === observed
      ? observedUs
      : observedUs === undefined && typeof first === 'string' && first === last
        ? timeUs
        : parseTimeUs(first)) ?? timeUs;
  if (firstUs > timeUs) firstUs = timeUs;
  let uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : '';
  if (uid === '') {
    uid = derivedUid(namespace, name, firstUs, raw, v1);
    diagnostics.add('no-event-uid', whereOf(namespace, name));
  }
  return {
    uid,
    namespace,
    name,
    api: v1 ? 'events.k8s.io/v1' : 'core/v1',
    regarding,
    related,
    reason: typeof raw.reason === 'string' ? pool.intern(raw.reason, REASON_SLOT) : '',
    message: typeof message === 'string' ? message : '',
    type: typeof raw.type === 'string' && raw.type !== '' ? pool.intern(raw.type, TYPE_SLOT) : 'Normal',
    action: typeof raw.action === 'string' && raw.action !== '' ? pool.intern(raw.action, ACTION_SLOT) : undefined,
    component: typeof component === 'string' && component !== '' ? pool.intern(component, COMPONENT_SLOT) : 'unknown',
    instance: typeof instance === 'string' ? pool.intern(instance, INSTANCE_SLOT) : '',
    timeUs,
    firstUs,
    precise,
    // Plain properties (undefined when absent) rather than spread ones: one shape for every event, nothing copied.
    incomplete: missing === undefined ? undefined : { missing, ownNamespace: namesNamespace(subjectRef) },
    topLevel: meta.annotations?.[TOP_LEVEL_EVENT_ANNOTATION] === 'true' ? true : undefined,
    count: typeof count === 'number' && count >= 1 ? Math.floor(count) : 1,
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined,
  };
}
