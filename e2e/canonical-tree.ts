import type { KspanSpan } from '../core/span.ts';

/**
 * What differs between two runs of the same scenario on a real cluster, and how each is normalized.
 * Kept as one explicit list so a reviewer sees exactly what the e2e golden trees do not assert.
 */
export const NORMALIZED_FIELDS: readonly {
  readonly what: string;
  readonly pattern: RegExp;
  readonly replacement: string;
}[] = [
  // Generated names: ReplicaSet pod-template-hash and Pod suffixes use Kubernetes' rand alphabet.
  {
    what: 'pod name suffix',
    pattern: /\b([a-z][a-z0-9.-]*?)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g,
    replacement: '$1-<hash>-<pod>',
  },
  {
    what: 'replicaset hash',
    pattern: /\b([a-z][a-z0-9.-]*?)-[bcdfghjklmnpqrstvwxz2456789]{6,10}\b(?!-)/g,
    replacement: '$1-<hash>',
  },
  // The scheduler breaks ties between equally good nodes at random.
  { what: 'assigned node', pattern: /\bto kwok-node-\d+\b/g, replacement: 'to <node>' },
  // Timing inside messages (image pull durations, sizes).
  { what: 'pull duration', pattern: /in [0-9.]+m?s \([0-9.]+m?s including waiting\)/g, replacement: 'in <duration>' },
  { what: 'image size', pattern: /Image size: \d+ bytes\./g, replacement: 'Image size: <bytes>.' },
  // How often a repeating event repeated depends on how long the scenario waited.
  { what: 'repeat count', pattern: / {2}×\d+/g, replacement: '  ×n' },
];

/** Also not asserted: trace and span IDs (hashes of UIDs the cluster generates) and all times. */
export const NOT_COMPARED = [
  'trace IDs',
  'span IDs',
  'start and end times',
  'resource attributes other than service.name',
] as const;

function normalize(text: string): string {
  let out = text;
  for (const n of NORMALIZED_FIELDS) out = out.replace(n.pattern, n.replacement);
  return out;
}

function label(span: KspanSpan): string {
  const a = span.attributes;
  const parts = [span.name, span.serviceName];
  if (a['kspan.root'] === true) {
    const ns = a['k8s.namespace.name'];
    parts.push(`${typeof ns === 'string' ? `${ns}/` : ''}${String(a['k8s.object.name'])}`);
  } else if (typeof a['k8s.event.message'] === 'string') {
    parts.push(JSON.stringify(a['k8s.event.message']));
  }
  const count = a['k8s.event.count'];
  if (typeof count === 'number' && count > 1) parts.push(`×${count}`);
  if (span.status === 'error') parts.push('[error]');
  return normalize(parts.join('  '));
}

/**
 * A run-independent rendering of trace trees: normalized labels, no IDs or times, and siblings (and traces)
 * sorted by their rendered subtree, since which of two identical Pods started first is up to the cluster.
 */
export function canonicalTrees(spans: readonly KspanSpan[]): string {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const children = new Map<string, KspanSpan[]>();
  const roots: KspanSpan[] = [];
  for (const s of spans) {
    const parentKey = s.parentSpanId === undefined ? undefined : `${s.traceId}/${s.parentSpanId}`;
    if (parentKey !== undefined && byId.has(parentKey)) {
      const list = children.get(parentKey) ?? [];
      list.push(s);
      children.set(parentKey, list);
    } else {
      roots.push(s);
    }
  }
  const render = (span: KspanSpan): string[] => {
    const kids = (children.get(`${span.traceId}/${span.spanId}`) ?? [])
      .map(render)
      .sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1));
    const lines = [label(span)];
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      kid.forEach((line, j) => lines.push(`${j === 0 ? (last ? '└─ ' : '├─ ') : last ? '   ' : '│  '}${line}`));
    });
    return lines;
  };
  return (
    roots
      .map((r) => render(r).join('\n'))
      .sort()
      .join('\n\n') + '\n'
  );
}
