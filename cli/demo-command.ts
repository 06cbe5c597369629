import { join } from 'node:path';
import type { Command } from 'commander';
import { replayInto, withOutputOptions, type ReplayOptions } from './replay-command.ts';
import { SCENARIOS_DIR } from './scenarios-command.ts';
import { openSpanOutput, otlpEndpointOf } from './span-output.ts';
import { DEFAULT_ENGINE_FLAGS } from '../common/engine-flags.ts';

/** The bundled Deployment rollout the demo replays. */
export const DEMO_SCENARIO = join(SCENARIOS_DIR, 'rolling-update', 'input.ndjson');

/** `kspan demo`: replays a bundled rollout and prints its trace tree (and exports it when an OTLP endpoint is set). */
export function registerDemoCommand(program: Command): void {
  withOutputOptions(
    program
      .command('demo')
      .description(
        `replay a bundled Deployment rolling update (${'scenarios/rolling-update'}) and print its trace tree; with OTEL_EXPORTER_OTLP_ENDPOINT set, also export it`,
      ),
  ).action(async (options: ReplayOptions) => {
    const out = await openSpanOutput(options, true);
    await replayInto([DEMO_SCENARIO], { ...DEFAULT_ENGINE_FLAGS, format: 'ndjson' }, out, () => out.ready());
    process.exitCode = await out.finish();
    if (otlpEndpointOf(options) === undefined)
      process.stderr.write(
        'kspan: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4317) to also send this trace to Jaeger\n',
      );
  });
}
