/** A malformed input log: names the source and line so the user can fix it. */
export class InputLogError extends Error {
  readonly source: string;
  readonly line: number;

  constructor(source: string, line: number, problem: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'InputLogError';
    this.source = source;
    this.line = line;
  }
}
