import { printTrees, type KspanSpan } from '../core/index.ts';

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

/**
 * A run-independent rendering of trace trees: core's tree printer in its canonical layout (no IDs or times,
 * siblings and traces sorted by their rendered subtree, since which of two identical Pods started first is up
 * to the cluster), without generations or clamp marks, and with the normalizations above.
 */
export function canonicalTrees(spans: readonly KspanSpan[]): string {
  return printTrees(spans, {
    layout: 'canonical',
    times: false,
    rules: false,
    generations: false,
    // Not yet in the e2e goldens: what changed needs both generations' snapshots, recorded by kspan run since
    // engine-view keeps roots' redacted specs; to be switched on with the next e2e golden update.
    changes: false,
    clampMarks: false,
    normalize,
  });
}
