import type { InputRecord } from '../core/index.ts';

/** Anything with a `write(string)`: a file stream, process.stdout, an array collector. */
export interface TextOut {
  write(chunk: string): unknown;
}

/** Writes input records as NDJSON, one record a line. */
export class NdjsonLogWriter {
  private readonly out: TextOut;

  constructor(out: TextOut) {
    this.out = out;
  }

  /** Writes one record. */
  write(record: InputRecord): void {
    this.out.write(`${JSON.stringify(record)}\n`);
  }
}
