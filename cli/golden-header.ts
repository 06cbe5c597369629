/** The print options a golden tree records in its first line, so `--check` compares like with like. */
export interface GoldenPrintOptions {
  readonly rules: boolean;
  readonly times: boolean;
}

const PREFIX = '# kspan golden tree; printed with:';

/** The header line for a golden written with these options, e.g. `# kspan golden tree; printed with: --rules`. */
export function goldenHeader(options: { readonly rules?: boolean; readonly times?: boolean }): string {
  const flags = [options.rules === true ? '--rules' : '', options.times === false ? '--no-times' : ''].filter(
    (f) => f !== '',
  );
  return `${PREFIX} ${flags.length > 0 ? flags.join(' ') : '(defaults)'}\n`;
}

/** The options a golden's header names, or undefined for a golden without one (written before headers existed). */
export function readGoldenHeader(text: string): GoldenPrintOptions | undefined {
  const first = text.slice(0, text.indexOf('\n') + 1 || text.length).trimEnd();
  if (!first.startsWith(PREFIX)) return undefined;
  const flags = first.slice(PREFIX.length).trim().split(/\s+/);
  return { rules: flags.includes('--rules'), times: !flags.includes('--no-times') };
}

/** The tree below the header line. */
export function stripGoldenHeader(text: string): string {
  return readGoldenHeader(text) === undefined ? text : text.slice(text.indexOf('\n') + 1);
}
