/** A malformed input log: names the source and line so the user can fix it. */
export class InputLogError extends Error {
  readonly source: string;
  readonly line: number;
  /** The line is not JSON at all (as a line cut short is), rather than JSON that is not a record. */
  readonly notJson: boolean;

  constructor(source: string, line: number, problem: string, notJson = false) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'InputLogError';
    this.source = source;
    this.line = line;
    this.notJson = notJson;
  }
}
