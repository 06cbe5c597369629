import { Command, CommanderError } from 'commander';
import { InputLogError } from '../input-log/input-log-error.ts';
import { COMMAND_MODULES, type CommandModule } from './command-modules.ts';
import { terminalSafe } from '../common/terminal-safe.ts';
import { UserError } from '../common/user-error.ts';
import { KSPAN_VERSION } from '../common/version.ts';

/** Exit codes: 0 done, 1 a golden mismatch or an unreachable endpoint, 2 a user mistake, 70 a bug or a broken install. */
export const EXIT = { ok: 0, mismatch: 1, usage: 2, internal: 70 } as const;

/** A command whose module could not be loaded: the installation is incomplete, not the user's input. */
export class UnavailableCommandError extends Error {
  constructor(command: string, source: string, cause: unknown) {
    super(
      `${command} is unavailable in this installation: cannot load ${source} (${firstLine(cause)}); reinstall kspan or use an image that ships it`,
      { cause },
    );
    this.name = 'UnavailableCommandError';
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** The first word of the arguments that is not an option: the command the user asked for. */
function requestedCommand(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/** Builds the `kspan` command line, importing only the module of the requested command (all of them for help). */
export async function buildProgram(
  args: readonly string[],
  modules: readonly CommandModule[] = COMMAND_MODULES,
  writeErr: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<Command> {
  const program = new Command();
  program
    .name('kspan')
    .description(
      'Turns Kubernetes Events into OpenTelemetry traces joined by causality: a rollout, a scale-up or a crash loop reads as one trace.',
    )
    .version(KSPAN_VERSION)
    .exitOverride()
    .configureOutput({
      // Commander's own mistakes ("unknown option", "missing argument") as one kspan line, like ours.
      outputError: (text) =>
        writeErr(
          `kspan: ${terminalSafe(
            text
              .replace(/^error: /, '')
              .trim()
              .replace(/\s*\n\s*/g, ' '),
          )} (see --help)\n`,
        ),
    });
  const wanted = requestedCommand(args);
  const chosen = modules.filter((m) => m.commands.includes(wanted ?? ''));
  for (const m of chosen.length > 0 ? chosen : modules) {
    try {
      (await m.load())(program);
    } catch (err) {
      for (const name of m.commands) {
        program
          .command(name)
          .description(`(unavailable: cannot load ${m.source})`)
          .allowUnknownOption()
          .allowExcessArguments()
          .action(() => {
            throw new UnavailableCommandError(name, m.source, err);
          });
      }
    }
  }
  return program;
}

/** A file-system error about a path the user gave (missing, a folder, not allowed). */
function isPathError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  const e = err as NodeJS.ErrnoException;
  return (
    e instanceof Error &&
    typeof e.path === 'string' &&
    ['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS'].includes(e.code ?? '')
  );
}

/** Runs the CLI on `argv` (as `process.argv`), printing every failure as one line; returns the exit code. */
export async function runCli(
  argv: readonly string[],
  modules: readonly CommandModule[] = COMMAND_MODULES,
  writeErr: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<number> {
  const line = (text: string): void => writeErr(`kspan: ${terminalSafe(text)}\n`);
  try {
    const program = await buildProgram(argv.slice(2), modules, writeErr);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof UserError) {
      line(err.message);
      return err.exitCode;
    }
    if (err instanceof InputLogError) {
      line(err.message);
      return EXIT.usage;
    }
    if (isPathError(err)) {
      line(`${err.path}: ${err.code === 'ENOENT' ? 'no such file or folder' : `cannot use it (${err.code})`}`);
      return EXIT.usage;
    }
    if (err instanceof UnavailableCommandError) {
      line(err.message);
      return EXIT.internal;
    }
    writeErr(`kspan: internal error, please report it: ${terminalSafe((err as Error).stack ?? String(err), true)}\n`);
    return EXIT.internal;
  }
}
