import type { Diagnostics } from './diagnostics.ts';
import { isClusterScoped } from './cluster-scoped.ts';
import { eventTimeFields, isEventsV1, precedenceTimeUs } from './event-time.ts';
import type { KubeEvent, ObjectReference } from './kube.ts';
import { TOP_LEVEL_EVENT_ANNOTATION, type EventObject, type NormalizedEvent } from './normalized-event.ts';
import { parseTimeUs } from './time.ts';

function toEventObject(ref: ObjectReference | undefined, fallbackNamespace: string): EventObject | undefined {
  if (ref === undefined || ref === null || typeof ref !== 'object') return undefined;
  if (typeof ref.kind !== 'string' || ref.kind === '' || typeof ref.name !== 'string' || ref.name === '')
    return undefined;
  return {
    kind: ref.kind,
    namespace:
      typeof ref.namespace === 'string' && ref.namespace !== ''
        ? ref.namespace
        : isClusterScoped(ref.kind)
          ? ''
          : fallbackNamespace,
    name: ref.name,
    uid: typeof ref.uid === 'string' && ref.uid !== '' ? ref.uid : undefined,
    apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : undefined,
    resourceVersion:
      typeof ref.resourceVersion === 'string' && ref.resourceVersion !== '' ? ref.resourceVersion : undefined,
    fieldPath: typeof ref.fieldPath === 'string' && ref.fieldPath !== '' ? ref.fieldPath : undefined,
  };
}

function hasFraction(value: unknown): boolean {
  return typeof value === 'string' && /\.\d*[1-9]/.test(value);
}

/**
 * Normalizes either Event API into one shape (timestamp precedence: eventTime / series, then lastTimestamp,
 * then firstTimestamp). Returns undefined, with a diagnostic, for an event that names no object.
 */
export function normalizeEvent(
  raw: KubeEvent,
  receivedUs: number,
  diagnostics: Diagnostics,
): NormalizedEvent | undefined {
  if (raw === null || typeof raw !== 'object') {
    diagnostics.add('malformed-record', 'event payload is not an object');
    return undefined;
  }
  const meta = raw.metadata ?? {};
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  const where = `event ${namespace}/${name}`;
  const v1 = isEventsV1(raw);
  const regarding = toEventObject(v1 ? raw.regarding : raw.involvedObject, namespace);
  if (regarding === undefined) {
    diagnostics.add('no-involved-object', where);
    return undefined;
  }
  const related = toEventObject(raw.related, namespace);
  const series = raw.series ?? undefined;
  const { observed, first, last } = eventTimeFields(raw, v1);
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
    precedenceTimeUs({ observed, first, last }, (c) =>
      diagnostics.add('malformed-timestamp', `${where}: ${JSON.stringify(c)}`),
    );
  const precise = observedUs !== undefined && hasFraction(observed);
  if (timeUs === undefined) {
    timeUs = parseTimeUs(meta.creationTimestamp) ?? receivedUs;
    diagnostics.add('no-timestamp', where);
  }
  let firstUs = parseTimeUs(first) ?? timeUs;
  if (firstUs > timeUs) firstUs = timeUs;
  let uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : '';
  if (uid === '') {
    uid = `${namespace}/${name}/${firstUs}`;
    diagnostics.add('no-event-uid', where);
  }
  return {
    uid,
    namespace,
    name,
    api: v1 ? 'events.k8s.io/v1' : 'core/v1',
    regarding,
    related,
    reason: typeof raw.reason === 'string' ? raw.reason : '',
    message: typeof message === 'string' ? message : '',
    type: typeof raw.type === 'string' && raw.type !== '' ? raw.type : 'Normal',
    action: typeof raw.action === 'string' && raw.action !== '' ? raw.action : undefined,
    component: typeof component === 'string' && component !== '' ? component : 'unknown',
    instance: typeof instance === 'string' ? instance : '',
    timeUs,
    firstUs,
    precise,
    ...(meta.annotations?.[TOP_LEVEL_EVENT_ANNOTATION] === 'true' ? { topLevel: true as const } : {}),
    count: typeof count === 'number' && count >= 1 ? Math.floor(count) : 1,
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined,
  };
}
