import type { Delivery } from './expected-spans.ts';

/** One measured row. */
export interface ChaosRow {
  readonly id: string;
  readonly title: string;
  readonly delivery: Delivery | undefined;
  /** What kspan itself reported as lost, by cause (its metrics and logs), e.g. `queue-full 800`. */
  readonly reportedLosses: readonly string[];
  readonly peakRssMiB: number;
  /** Seconds from the end of the fault (or the signal) to the last expected span; undefined when some never came. */
  readonly recoverSeconds: number | undefined;
  readonly failures: readonly string[];
  readonly notes: readonly string[];
}

const HEAD = [
  'scenario',
  'expected spans',
  'received',
  'duplicates',
  'lost by cause',
  'peak RSS',
  'time to recover',
  'goal',
];

function lostCell(row: ChaosRow): string {
  const d = row.delivery;
  if (d === undefined) return '–';
  if (d.lost === 0) return '0';
  const reported = row.reportedLosses.length > 0 ? row.reportedLosses.join(', ') : 'none reported';
  return `${d.lost.toLocaleString('en-US')} (kspan says: ${reported})`;
}

function cells(row: ChaosRow): string[] {
  const d = row.delivery;
  const n = (x: number | undefined): string => (x === undefined ? '–' : x.toLocaleString('en-US'));
  return [
    row.title,
    n(d?.expected),
    n(d?.received),
    n(d?.duplicates),
    lostCell(row),
    `${row.peakRssMiB.toFixed(0)} MiB`,
    row.recoverSeconds === undefined ? 'never' : `${row.recoverSeconds.toFixed(1)} s`,
    row.failures.length === 0 ? 'met' : `MISSED: ${row.failures.join('; ')}`,
  ];
}

/** The table as Markdown (readable as plain text too), then the notes of each row. */
export function formatTable(rows: readonly ChaosRow[]): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`];
  for (const row of rows)
    lines.push(
      `| ${cells(row)
        .map((c) => c.replaceAll('|', '/'))
        .join(' | ')} |`,
    );
  lines.push('');
  for (const row of rows) {
    const d = row.delivery;
    const extra: string[] = [];
    if (d !== undefined && d.unexpected > 0) extra.push(`${d.unexpected} unexpected span IDs`);
    if (d !== undefined && d.wrongTrace > 0) extra.push(`${d.wrongTrace} spans in another trace than the replay's`);
    const all = [...extra, ...row.notes];
    if (all.length > 0) lines.push(`- ${row.id}: ${all.join('; ')}`);
  }
  return lines.join('\n');
}
