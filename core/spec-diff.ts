/**
 * What changed between two generations of an object's `spec`, for a root span to say: `image nginx:1.25 → nginx:1.26`,
 * `replicas 2 → 4`, `env +DEBUG -OLD_FLAG`. Pure; works on a bounded summary of each spec, never on the spec itself,
 * and never keeps a value that may be secret: environment variables by name only, command and args only as a digest.
 */

/** A spec reduced to what a change can be told by: flat `path → value`, bounded. */
export type SpecSummary = Readonly<Record<string, string>>;

/** One change between two summaries. */
export interface SpecChange {
  /** The field as shown: `replicas`, `image`, `image[sidecar]`, `env[app]`, `strategy.type`. */
  readonly field: string;
  readonly from?: string;
  readonly to?: string;
  /** The change in one line, e.g. `image nginx:1.25 → nginx:1.26`. */
  readonly text: string;
}

/** At most this many paths are kept per summary; a spec with more keeps its first ones in path order. */
export const MAX_SUMMARY_PATHS = 64;
const MAX_VALUE = 120;
const MAX_DEPTH = 6;
/** Marks a value kept only as a digest (it may be long or secret): shown as `changed`, never printed. */
const DIGEST = '#';
/** Marks a name kept without its value (an environment variable). */
const PRESENT = '+';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** FNV-1a over the JSON text: enough to tell two values apart, reveals nothing of them. */
function digest(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return DIGEST + (h >>> 0).toString(16);
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE - 1)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Containers by name: image, env names, resources; command and args as digests; the rest as one digest. */
function containers(out: Map<string, string>, prefix: string, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isRecord(c) || typeof c.name !== 'string') continue;
    const base = `${prefix}/${c.name}`;
    const image = scalar(c.image);
    if (image !== undefined) out.set(`${base}/image`, image);
    if (Array.isArray(c.env))
      for (const e of c.env) if (isRecord(e) && typeof e.name === 'string') out.set(`${base}/env/${e.name}`, PRESENT);
    if (c.command !== undefined) out.set(`${base}/command`, digest(c.command));
    if (c.args !== undefined) out.set(`${base}/args`, digest(c.args));
    if (isRecord(c.resources)) flatten(out, `${base}/resources`, c.resources, 1);
    const { name: _n, image: _i, env: _e, command: _c, args: _a, resources: _r, ...rest } = c;
    if (Object.keys(rest).length > 0) out.set(`${base}/settings`, digest(rest));
  }
}

function flatten(out: Map<string, string>, path: string, value: unknown, depth: number): void {
  const s = scalar(value);
  if (s !== undefined) {
    out.set(path, s);
    return;
  }
  if (Array.isArray(value) || depth >= MAX_DEPTH) {
    out.set(path, digest(value));
    return;
  }
  if (!isRecord(value)) return;
  for (const [k, v] of Object.entries(value)) flatten(out, path === '' ? k : `${path}.${k}`, v, depth + 1);
}

/** The summary of a spec (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod…); empty for anything else. */
export function summarizeSpec(spec: unknown): SpecSummary {
  if (!isRecord(spec)) return {};
  const out = new Map<string, string>();
  const podSpec = (s: unknown, prefix: string): void => {
    if (!isRecord(s)) return;
    containers(out, `${prefix}container`, s.containers);
    containers(out, `${prefix}initContainer`, s.initContainers);
    const { containers: _c, initContainers: _i, ...rest } = s;
    flatten(out, `${prefix}pod`, rest, 1);
  };
  const template = (t: unknown, prefix: string): void => {
    if (!isRecord(t)) return;
    podSpec(t.spec, prefix);
    // Template annotations and labels by name; a value change (kubectl rollout restart's restartedAt) as a digest.
    const meta = isRecord(t.metadata) ? t.metadata : {};
    for (const key of ['annotations', 'labels'] as const) {
      const m = meta[key];
      if (isRecord(m)) for (const [k, v] of Object.entries(m)) out.set(`${prefix}${key}/${k}`, digest(v));
    }
  };
  const { template: t, jobTemplate: jt, selector: _sel, containers: cs, initContainers: ics, ...rest } = spec;
  if (cs !== undefined || ics !== undefined) podSpec({ containers: cs, initContainers: ics }, '');
  template(t, '');
  if (isRecord(jt) && isRecord(jt.spec)) {
    const { template: jtt, selector: _s, ...jobRest } = jt.spec;
    template(jtt, '');
    flatten(out, 'job', jobRest, 1);
  }
  flatten(out, '', rest, 0);
  const kept = [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_SUMMARY_PATHS);
  return Object.fromEntries(kept);
}

/** `container/app/image` → field `image` (or `image[app]` when the spec has several containers). */
function displayField(path: string, single: boolean): { field: string; group?: string } {
  const meta = /^(annotations|labels)\/(.+)$/.exec(path);
  if (meta !== null) return { field: `${meta[1] === 'labels' ? 'label' : 'annotation'} ${meta[2] as string}` };
  const m = /^(container|initContainer)\/([^/]+)\/(.+)$/.exec(path);
  if (m === null) return { field: path.replace(/^pod\./, '') };
  const [, kind, name, rest] = m as unknown as [string, string, string, string];
  const where = kind === 'initContainer' ? `[init ${name}]` : single ? '' : `[${name}]`;
  if (rest.startsWith('env/')) return { field: `env${where}`, group: rest.slice(4) };
  return { field: `${rest.replace(/^resources\./, '').replace(/^resources\//, '')}${where}` };
}

function shown(v: string | undefined): string {
  return v === undefined ? '(unset)' : v;
}

/**
 * The changes from `before` to `after`, in path order; environment variables grouped per container as
 * `env +ADDED -REMOVED`, digests as `command changed`. Empty when nothing the summaries keep changed.
 */
export function diffSpecs(before: SpecSummary, after: SpecSummary): SpecChange[] {
  const names = new Set<string>();
  for (const s of [before, after])
    for (const p of Object.keys(s)) {
      const m = /^container\/([^/]+)\//.exec(p);
      if (m !== null) names.add(m[1] as string);
    }
  const single = names.size <= 1;
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: SpecChange[] = [];
  const env = new Map<string, { added: string[]; removed: string[] }>();
  for (const path of paths) {
    const a = before[path];
    const b = after[path];
    if (a === b) continue;
    const { field, group } = displayField(path, single);
    if (group !== undefined) {
      let e = env.get(field);
      if (e === undefined) {
        e = { added: [], removed: [] };
        env.set(field, e);
        // Placeholder: filled in below, so env changes keep their place in path order.
        changes.push({ field, text: '' });
      }
      (b !== undefined ? e.added : e.removed).push(group);
      continue;
    }
    if (a?.startsWith(DIGEST) === true || b?.startsWith(DIGEST) === true) {
      changes.push({
        field,
        text: a === undefined ? `${field} set` : b === undefined ? `${field} removed` : `${field} changed`,
      });
      continue;
    }
    changes.push({
      field,
      ...(a !== undefined ? { from: a } : {}),
      ...(b !== undefined ? { to: b } : {}),
      text: `${field} ${shown(a)} → ${shown(b)}`,
    });
  }
  return changes.map((c) => {
    const e = env.get(c.field);
    if (e === undefined || c.text !== '') return c;
    return {
      field: c.field,
      text: [c.field, ...e.added.map((n) => `+${n}`), ...e.removed.map((n) => `-${n}`)].join(' '),
    };
  });
}

function redactContainer(c: unknown): unknown {
  if (!isRecord(c)) return c;
  const out: Record<string, unknown> = { ...c };
  if (Array.isArray(c.env)) out.env = c.env.map((e) => (isRecord(e) ? { name: e.name } : null));
  if (c.command !== undefined) out.command = digest(c.command);
  if (c.args !== undefined) out.args = digest(c.args);
  return out;
}

function redact(value: unknown, depth: number): unknown {
  if (!isRecord(value) || depth > 12) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      (k === 'containers' || k === 'initContainers') && Array.isArray(v)
        ? v.map(redactContainer)
        : redact(v, depth + 1);
  }
  return out;
}

/**
 * A spec with what may be secret taken out, for a driver to keep and record: environment variables by name only
 * (no `value`, no `valueFrom`), command and args as digests. `summarizeSpec` of it equals that of the original
 * in every change it can tell.
 */
export function redactSpec(spec: unknown): unknown {
  return redact(spec, 0);
}
