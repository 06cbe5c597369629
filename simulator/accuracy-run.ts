import { addScore, emptyScore, ratio, scoreRun, type RunScore, type WrongEdge } from './accuracy.ts';
import { deliver, type DeliveryOptions } from './delivery.ts';
import { subjectFaults } from './incomplete-subjects.ts';
import type { RunEngine } from './engine-runner.ts';
import type { K8sProfile } from './k8s-profile.ts';
import { SCENARIOS } from './scenario-catalog.ts';

/** What to measure: scenarios × seeds, delivered with these options. */
export interface AccuracyOptions {
  readonly runEngine: RunEngine;
  readonly seeds: number;
  readonly firstSeed?: number;
  readonly scenarios?: readonly string[];
  readonly delivery?: Omit<DeliveryOptions, 'seed'>;
  /** The Kubernetes era the scenarios are generated for (default: the `default` profile). */
  readonly profile?: K8sProfile;
  /** Called after each scenario × seed run (for progress on stderr). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Accuracy of one scenario over all seeds. */
export interface ScenarioAccuracy {
  readonly runs: number;
  readonly events: number;
  readonly parentAccuracy: number;
  readonly traceAccuracy: number;
  readonly spansLost: number;
  readonly ambiguous: number;
  readonly ambiguousAccuracy: number;
  /** Events delivered with an incomplete subject (scored apart), and of those: lost, identified, right parent. */
  readonly incomplete: IncompleteSummary;
  readonly wrongByRule: Record<string, number>;
  readonly score: RunScore;
}

/** How the Events delivered with an incomplete subject fared. */
export interface IncompleteSummary {
  readonly events: number;
  readonly lost: number;
  readonly identified: number;
  readonly parentAccuracy: number;
}

/** The whole report, as `accuracy --json` prints it. */
export interface AccuracyReport {
  /** The simulator profile (Kubernetes era) measured. */
  readonly profile: string;
  readonly seeds: number;
  readonly jitterMs: number;
  /** Share of Events delivered with an incomplete subject. */
  readonly incompleteSubjectRate: number;
  readonly parentAccuracy: number;
  readonly traceAccuracy: number;
  readonly spansLost: number;
  readonly ambiguous: number;
  readonly ambiguousAccuracy: number;
  readonly unknownSpans: number;
  readonly incomplete: IncompleteSummary;
  readonly wrongByRule: Record<string, number>;
  readonly wrongEdgeExamples: readonly (WrongEdge & { scenario: string; seed: number })[];
  readonly scenarios: Record<string, Omit<ScenarioAccuracy, 'score'>>;
  /** Totals per story group: `core` (the original scenarios), `busy` clusters, `long-lived` failures. */
  readonly stories: Record<string, Omit<ScenarioAccuracy, 'score'>>;
}

/** Runs every scenario with every seed through the engine and scores it against the truth. */
export function measureAccuracy(o: AccuracyOptions): AccuracyReport {
  const names = o.scenarios ?? Object.keys(SCENARIOS);
  const first = o.firstSeed ?? 1;
  const total = emptyScore();
  const examples: (WrongEdge & { scenario: string; seed: number })[] = [];
  const perScenario: Record<string, Omit<ScenarioAccuracy, 'score'>> = {};
  const perStory = new Map<string, { score: RunScore; events: number }>();
  let done = 0;
  for (const name of names) {
    const def = SCENARIOS[name];
    if (def === undefined)
      throw new Error(`accuracy: unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const sum = emptyScore();
    let events = 0;
    for (let seed = first; seed < first + o.seeds; seed++) {
      const story = def.build(seed, o.profile === undefined ? {} : { profile: o.profile });
      events += Object.keys(story.truth.events).length;
      const faults = subjectFaults(story.happenings, o.delivery?.incompleteSubjectRate ?? 0);
      const score = scoreRun(
        o.runEngine(deliver(story, { ...o.delivery, seed })),
        story.truth,
        50,
        new Set(faults.keys()),
      );
      for (const e of score.wrongEdges)
        if (examples.length < 20 && !examples.some((x) => x.scenario === name && x.reason === e.reason))
          examples.push({ ...e, scenario: name, seed });
      addScore(sum, score);
      o.onProgress?.(++done, names.length * o.seeds);
    }
    addScore(total, sum);
    perScenario[name] = summarize(sum, o.seeds, events);
    const group = def.story ?? 'core';
    const story = perStory.get(group) ?? { score: emptyScore(), events: 0 };
    addScore(story.score, sum);
    story.events += events;
    perStory.set(group, story);
  }
  const all = summarize(total, o.seeds, 0);
  return {
    profile: o.profile?.id ?? 'default',
    seeds: o.seeds,
    jitterMs: o.delivery?.jitterMs ?? 3000,
    incompleteSubjectRate: o.delivery?.incompleteSubjectRate ?? 0,
    parentAccuracy: all.parentAccuracy,
    traceAccuracy: all.traceAccuracy,
    spansLost: all.spansLost,
    ambiguous: all.ambiguous,
    ambiguousAccuracy: all.ambiguousAccuracy,
    unknownSpans: total.unknownSpans,
    incomplete: all.incomplete,
    wrongByRule: total.wrongByRule,
    wrongEdgeExamples: examples,
    scenarios: perScenario,
    stories: Object.fromEntries([...perStory].map(([k, v]) => [k, summarize(v.score, o.seeds, v.events)])),
  };
}

function summarize(s: RunScore, runs: number, events: number): Omit<ScenarioAccuracy, 'score'> {
  return {
    runs,
    events,
    parentAccuracy: ratio(s.parentCorrect, s.parentTotal),
    traceAccuracy: ratio(s.traceCorrect, s.traceTotal),
    spansLost: s.lost,
    ambiguous: s.ambiguousTotal,
    ambiguousAccuracy: ratio(s.ambiguousCorrect, s.ambiguousTotal),
    incomplete: {
      events: s.incompleteTotal,
      lost: s.incompleteLost,
      identified: s.incompleteIdentified,
      parentAccuracy: ratio(s.incompleteCorrect, s.incompleteTotal - s.incompleteLost),
    },
    wrongByRule: s.wrongByRule,
  };
}

function incompleteCell(i: IncompleteSummary, pct: (x: number) => string): string {
  return i.events === 0
    ? '-'
    : `${i.events} (${i.lost} lost, ${i.identified} identified, ${pct(i.parentAccuracy)} right)`;
}

/** The report as a readable table. */
export function formatAccuracy(r: AccuracyReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const rows = [['scenario', 'events', 'parent', 'trace', 'lost', 'ambiguous', 'incomplete subjects', 'wrong by rule']];
  for (const [name, s] of Object.entries(r.scenarios)) {
    rows.push([
      name,
      String(s.events),
      pct(s.parentAccuracy),
      pct(s.traceAccuracy),
      String(s.spansLost),
      s.ambiguous === 0 ? '-' : `${s.ambiguous} (${pct(s.ambiguousAccuracy)} right)`,
      incompleteCell(s.incomplete, pct),
      rules(s.wrongByRule),
    ]);
  }
  const groups = Object.entries(r.stories);
  if (groups.length > 1)
    for (const [group, s] of groups)
      rows.push([
        `ALL ${group}`,
        String(s.events),
        pct(s.parentAccuracy),
        pct(s.traceAccuracy),
        String(s.spansLost),
        s.ambiguous === 0 ? '-' : `${s.ambiguous} (${pct(s.ambiguousAccuracy)} right)`,
        incompleteCell(s.incomplete, pct),
        rules(s.wrongByRule),
      ]);
  rows.push([
    'ALL',
    '',
    pct(r.parentAccuracy),
    pct(r.traceAccuracy),
    String(r.spansLost),
    r.ambiguous === 0 ? '-' : `${r.ambiguous} (${pct(r.ambiguousAccuracy)} right)`,
    incompleteCell(r.incomplete, pct),
    rules(r.wrongByRule),
  ]);
  const lines = tableLines(rows);
  const head = `accuracy over ${r.seeds} seeds per scenario, delivery jitter ${r.jitterMs} ms, incomplete subjects ${pct(r.incompleteSubjectRate)}, profile ${r.profile}`;
  const ex = r.wrongEdgeExamples.map(
    (e) =>
      `  ${e.scenario} seed ${e.seed}: ${e.kind}.${e.reason} via ${e.rule}: expected ${e.expected}, got ${e.actual}`,
  );
  return [head, '', ...lines, ...(ex.length === 0 ? [] : ['', 'examples of wrong edges:', ...ex])].join('\n');
}

/** Rows as aligned columns, the first row a header underlined with dashes. */
function tableLines(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines;
}

function rules(byRule: Record<string, number>): string {
  const entries = Object.entries(byRule).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}:${v}`).join(' ');
}

/** One line per profile: its overall figures (for a run over several Kubernetes eras). */
export function formatProfileSummary(reports: readonly AccuracyReport[]): string {
  const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;
  const groups = [...new Set(reports.flatMap((r) => Object.keys(r.stories)))];
  const rows = [
    [
      'profile',
      'parent',
      'trace',
      ...groups.map((g) => `${g} parent/trace`),
      'lost',
      'unknown',
      'incomplete subjects',
      'wrong by rule',
    ],
  ];
  for (const r of reports)
    rows.push([
      r.profile,
      pct(r.parentAccuracy),
      pct(r.traceAccuracy),
      ...groups.map((g) => {
        const s = r.stories[g];
        return s === undefined ? '-' : `${pct(s.parentAccuracy)}/${pct(s.traceAccuracy)}`;
      }),
      String(r.spansLost),
      String(r.unknownSpans),
      incompleteCell(r.incomplete, pct),
      rules(r.wrongByRule),
    ]);
  return tableLines(rows).join('\n');
}
