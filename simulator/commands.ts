import { InvalidArgumentError, type Command } from 'commander';
import { parseDurationMs } from '../common/duration.ts';
import { UserError } from '../common/user-error.ts';
import { printTrees } from '../core/index.ts';
import { toOtlpJson } from '../export/otlp-json.ts';
import { formatAccuracy, formatProfileSummary, measureAccuracy, type AccuracyReport } from './accuracy-run.ts';
import { toKspanCapture } from '../input-log/capture-writer.ts';
import { deliver } from './delivery.ts';
import { realEngine } from './engine-runner.ts';
import { toNdjson } from './ndjson.ts';
import { eraProfiles, profileNamed, PROFILES, type K8sProfile } from './k8s-profile.ts';
import { scenarioNamed, SCENARIOS } from './scenario-catalog.ts';
import { DEFAULT_ENGINE_FLAGS } from '../common/engine-flags.ts';

const OUTPUTS = ['tree', 'ndjson', 'kspan-capture', 'otlp-json', 'html'] as const;

function intArg(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${text}"`);
  return n;
}

function rateArg(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a rate between 0 and 1, got "${text}"`);
  return n;
}

function profiles(names: readonly string[] | undefined): K8sProfile[] {
  if (names === undefined) return [PROFILES['default'] as K8sProfile];
  if (names.includes('all')) return [...eraProfiles(), PROFILES['default'] as K8sProfile];
  try {
    return names.map(profileNamed);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

const VERSION_HELP = `Kubernetes version(s) whose Events to simulate: ${Object.keys(PROFILES).join(', ')}, any 1.N ≥ 1.8, or all`;

const INCOMPLETE_HELP = 'share of Events delivered with an incomplete subject (no kind, no name, or none)';

function scenario(name: string): ReturnType<typeof scenarioNamed> {
  try {
    return scenarioNamed(name);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Adds `simulate` and `accuracy` to the kspan CLI. */
export function registerSimulatorCommands(program: Command): void {
  program
    .command('simulate')
    .description(`generate a scenario with ground truth (${Object.keys(SCENARIOS).join(', ')})`)
    .argument('<scenario>', 'scenario name')
    .option('--seed <n>', 'random seed', intArg, 1)
    .option('--jitter <duration>', 'delivery jitter window', '3s')
    .option('--duplicates <rate>', 'share of events delivered twice', rateArg, 0)
    .option('--late-objects <rate>', 'share of object snapshots arriving late', rateArg, 0)
    .option('--missing-pods <rate>', 'share of deleted Pods never described', rateArg, 0)
    .option('--incomplete-subjects <rate>', INCOMPLETE_HELP, rateArg, 0)
    .option('--window <duration>', 'engine window (tree, otlp-json)', DEFAULT_ENGINE_FLAGS.window)
    .option('--k8s-version <version>', VERSION_HELP.replace('(s)', '').replace(', or all', ''), 'default')
    .option('-o, --output <format>', `output: ${OUTPUTS.join(' | ')}`, 'tree')
    .option('-O, --output-file <file>', 'with --output html: write the page to this file')
    .action(
      async (
        name: string,
        o: {
          seed: number;
          jitter: string;
          duplicates: number;
          lateObjects: number;
          missingPods: number;
          incompleteSubjects: number;
          window: string;
          output: string;
          k8sVersion: string;
          outputFile?: string;
        },
      ) => {
        if (!(OUTPUTS as readonly string[]).includes(o.output))
          throw new UserError(`--output ${o.output}: expected one of ${OUTPUTS.join(', ')}`);
        const [profile] = profiles([o.k8sVersion]);
        const story = scenario(name).build(o.seed, profile === undefined ? {} : { profile });
        const records = deliver(story, {
          seed: o.seed,
          jitterMs: parseDurationMs(o.jitter, '--jitter'),
          duplicateRate: o.duplicates,
          lateObjectRate: o.lateObjects,
          missingPodRate: o.missingPods,
          incompleteSubjectRate: o.incompleteSubjects,
        });
        if (o.output === 'ndjson') return void process.stdout.write(toNdjson(records));
        if (o.output === 'kspan-capture') return void process.stdout.write(toKspanCapture(records));
        const spans = realEngine(parseDurationMs(o.window, '--window'))(records);
        if (o.output === 'html') {
          const { writeHtmlReport } = await import('../report/html-output.ts');
          return writeHtmlReport(spans, { outputFile: o.outputFile, title: `kspan simulate ${name} --seed ${o.seed}` });
        }
        process.stdout.write(o.output === 'tree' ? `${printTrees(spans)}\n` : `${toOtlpJson(spans)}\n`);
      },
    );

  program
    .command('accuracy')
    .description('measure causal accuracy of the engine against simulator ground truth')
    .option('--seeds <n>', 'seeds per scenario', intArg, 100)
    .option('--jitter <duration>', 'delivery jitter window', '3s')
    .option('--window <duration>', 'engine window', DEFAULT_ENGINE_FLAGS.window)
    .option('--duplicates <rate>', 'share of events delivered twice', rateArg, 0.02)
    .option('--late-objects <rate>', 'share of object snapshots arriving late', rateArg, 0)
    .option('--missing-pods <rate>', 'share of deleted Pods never described', rateArg, 0)
    .option('--incomplete-subjects <rate>', INCOMPLETE_HELP, rateArg, 0.02)
    .option('--scenario <names...>', 'only these scenarios')
    .option('--k8s-version <versions...>', VERSION_HELP)
    .option('--json', 'one JSON object instead of a table')
    .action(
      (o: {
        seeds: number;
        jitter: string;
        window: string;
        duplicates: number;
        lateObjects: number;
        missingPods: number;
        incompleteSubjects: number;
        scenario?: string[];
        k8sVersion?: string[];
        json?: boolean;
      }) => {
        for (const name of o.scenario ?? []) scenario(name);
        const started = performance.now();
        const chosen = profiles(o.k8sVersion);
        const reports: AccuracyReport[] = chosen.map((profile, index) =>
          measureAccuracy({
            profile,
            runEngine: realEngine(parseDurationMs(o.window, '--window')),
            seeds: o.seeds,
            ...(o.scenario === undefined ? {} : { scenarios: o.scenario }),
            delivery: {
              jitterMs: parseDurationMs(o.jitter, '--jitter'),
              duplicateRate: o.duplicates,
              lateObjectRate: o.lateObjects,
              missingPodRate: o.missingPods,
              incompleteSubjectRate: o.incompleteSubjects,
            },
            onProgress: (done, total) => {
              if (done % 200 === 0 || done === total)
                process.stderr.write(
                  `\raccuracy ${profile.id} (${index + 1}/${chosen.length}): ${done}/${total} runs, ${((performance.now() - started) / 1000).toFixed(1)} s`,
                );
              if (done === total) process.stderr.write('\n');
            },
          }),
        );
        if (o.json === true) {
          const out =
            reports.length === 1 ? reports[0] : { profiles: Object.fromEntries(reports.map((r) => [r.profile, r])) };
          process.stdout.write(`${JSON.stringify(out)}\n`);
        } else {
          const tables = reports.map(formatAccuracy);
          if (reports.length > 1) tables.push(`per profile:\n\n${formatProfileSummary(reports)}`);
          process.stdout.write(`${tables.join('\n\n')}\n`);
        }
      },
    );
}
