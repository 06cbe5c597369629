import {
  redactSpec,
  StringPool,
  TOP_LEVEL_SPAN_ANNOTATION,
  type KubeEvent,
  type KubeObject,
  type ManagedFieldsEntry,
  type ObjectMeta,
} from '../core/index.ts';

/**
 * One copy of the short strings every object repeats (kinds, namespaces, managers, the second a burst was
 * created in): the cache holds every watched object, and each parsed snapshot brings its own copies.
 */
const STRINGS = new StringPool();

/** Metadata fields many objects share a value of (names and uids are each their own). */
const POOLED: ReadonlySet<string> = new Set(['generateName', 'namespace', 'creationTimestamp', 'deletionTimestamp']);

/** What the engine reads of a managedFields entry's fieldsV1: that it touched the spec. Shared: never written. */
const TOUCHES_SPEC = Object.freeze({ 'f:spec': Object.freeze({}) });

/** Annotations the engine reads; every other one is left out (last-applied-configuration can hold secrets). */
const ENGINE_ANNOTATIONS = [TOP_LEVEL_SPAN_ANNOTATION] as const;

/**
 * What the engine reads of an object, and nothing else: kind, apiVersion, identity, generation and times,
 * owners, the annotations it uses, managedFields reduced to who changed the spec when, and the two spec fields
 * its rules use (`spec.nodeName` for node-cause, `spec.replicas` to tell same-second generations apart); an object
 * without a controller (a trace's root) keeps its whole spec, redacted (`redactSpec`: env vars by name, command and
 * args as digests), for the root span's "what changed". The
 * cache holds this (a pod's full spec and status are large) and `--record` writes this.
 */
export function objectForEngine(
  raw: Record<string, unknown>,
  fallback: { kind: string; apiVersion?: string },
): KubeObject {
  const kind = STRINGS.intern(typeof raw.kind === 'string' ? raw.kind : fallback.kind);
  const apiVersion = typeof raw.apiVersion === 'string' ? STRINGS.intern(raw.apiVersion) : fallback.apiVersion;
  const rawSpec = raw.spec;
  let spec: Record<string, unknown> = {};
  const owners = (raw.metadata as { ownerReferences?: unknown } | undefined)?.ownerReferences;
  const controlled = Array.isArray(owners) && owners.some((o) => (o as { controller?: unknown })?.controller === true);
  if (!controlled && rawSpec !== null && typeof rawSpec === 'object') {
    // A root (a Deployment, a StatefulSet…): its spec, redacted, so the engine can say what a change did.
    spec = redactSpec(rawSpec) as Record<string, unknown>;
  } else if (rawSpec !== null && typeof rawSpec === 'object') {
    const { nodeName, replicas } = rawSpec as { nodeName?: unknown; replicas?: unknown };
    if (typeof nodeName === 'string') spec.nodeName = nodeName;
    if (typeof replicas === 'number') spec.replicas = replicas;
  }
  const metadata = metadataForEngine(raw.metadata);
  return {
    kind,
    ...(apiVersion ? { apiVersion } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
}

/** An Event without the metadata the engine does not read (annotations, managedFields, labels). */
export function eventForEngine<E extends KubeEvent>(event: E): E {
  const meta = event.metadata as Record<string, unknown> | undefined;
  if (meta === undefined || meta === null || typeof meta !== 'object') return event;
  if (!('managedFields' in meta) && !('annotations' in meta) && !('labels' in meta)) return event;
  const { managedFields: _m, annotations: _a, labels: _l, ...rest } = meta;
  return { ...event, metadata: rest };
}

function metadataForEngine(raw: unknown): ObjectMeta | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of [
    'name',
    'generateName',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
  ] as const) {
    const value = m[key];
    if (value !== undefined) out[key] = typeof value === 'string' && POOLED.has(key) ? STRINGS.intern(value) : value;
  }
  if (Array.isArray(m.ownerReferences)) out.ownerReferences = m.ownerReferences.map(ownerForEngine);
  const annotations = m.annotations as Record<string, unknown> | undefined;
  if (annotations !== null && typeof annotations === 'object') {
    const kept: Record<string, string> = {};
    for (const key of ENGINE_ANNOTATIONS) {
      const value = annotations[key];
      if (typeof value === 'string') kept[key] = value;
    }
    if (Object.keys(kept).length > 0) out.annotations = kept;
  }
  if (Array.isArray(m.managedFields)) out.managedFields = m.managedFields.map(managedFieldsForEngine);
  return out;
}

/** Who, how and when, and whether the entry touched the spec (`f:spec`: the engine's only use of fieldsV1). */
function managedFieldsForEngine(raw: unknown): ManagedFieldsEntry {
  const e = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['manager', 'operation', 'apiVersion', 'time', 'subresource'] as const) {
    const value = e[key];
    if (typeof value === 'string') out[key] = STRINGS.intern(value);
  }
  const fields = e.fieldsV1;
  if (fields !== null && typeof fields === 'object' && 'f:spec' in fields) out.fieldsV1 = TOUCHES_SPEC;
  return out;
}

/** An owner reference as the engine and the owner lookups read it: kind, apiVersion, name, uid, controller. */
function ownerForEngine(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const o = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind'] as const) {
    const value = o[key];
    if (value !== undefined) out[key] = typeof value === 'string' ? STRINGS.intern(value) : value;
  }
  for (const key of ['name', 'uid', 'controller'] as const) if (o[key] !== undefined) out[key] = o[key];
  return out;
}
