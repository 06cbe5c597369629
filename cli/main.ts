#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerRunCommand } from '../driver/commands.ts';
import { InputLogError } from '../input-log/input-log-error.ts';
import { registerSimulatorCommands } from '../simulator/commands.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerScenariosCommand } from './scenarios-command.ts';
import { UserError } from './user-error.ts';

/** Builds the `kspan` command line. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kspan')
    .description(
      'Turns Kubernetes Events into OpenTelemetry traces joined by causality: a rollout, a scale-up or a crash loop reads as one trace.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemoCommand(program);
  registerReplayCommand(program);
  registerScenariosCommand(program);
  registerRunCommand(program);
  registerSimulatorCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
    } else if (err instanceof UserError) {
      process.stderr.write(`kspan: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else if (err instanceof InputLogError) {
      process.stderr.write(`kspan: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`kspan: internal error, please report it: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    }
  }
}

await main(process.argv);
