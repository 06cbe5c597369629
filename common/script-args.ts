import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a project script (`npm run bench`, `test:chaos`, `test:e2e`) says about itself and its flags. */
export interface ScriptUsage<O extends Options> {
  /** The script's name, which starts its messages (`chaos: …`). */
  readonly name: string;
  /** The full `--help` text: a synopsis line, what the script does, each flag. */
  readonly help: string;
  readonly options: O;
}

/** Why the arguments were refused: one line for the user, and the exit code 2. */
export class ScriptArgsError extends Error {}

/**
 * Parses a script's flags strictly (an unknown flag, a missing value or a stray argument is refused).
 * `--help`/`-h` gives back `undefined` after the caller prints `usage.help`; a refusal throws ScriptArgsError.
 */
export function parseScriptArgs<O extends Options>(
  usage: ScriptUsage<O>,
  argv: readonly string[],
): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'] | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  try {
    return parseArgs({ args: [...argv], options: usage.options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // node:util's messages end with advice about `--` that does not apply to these scripts.
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new ScriptArgsError(`${usage.name}: ${message} (see --help)`);
  }
}

/** parseScriptArgs for a script's entry point: prints the help and exits 0, or the refusal and exits 2. */
export function scriptArgsOrExit<O extends Options>(
  usage: ScriptUsage<O>,
  argv: readonly string[] = process.argv.slice(2),
): NonNullable<ReturnType<typeof parseScriptArgs<O>>> {
  try {
    const values = parseScriptArgs(usage, argv);
    if (values !== undefined) return values;
    process.stdout.write(`${usage.help.trimEnd()}\n`);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof ScriptArgsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
