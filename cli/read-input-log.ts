import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { InputRecord } from '../core/input-record.ts';
import { looksLikeCapture, readCapture } from '../input-log/capture-reader.ts';
import { readNdjson } from '../input-log/ndjson-reader.ts';
import { UserError } from './user-error.ts';

/** Input formats `kspan replay` reads. */
export type InputFormat = 'auto' | 'ndjson' | 'capture';

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  yield* rl;
}

async function firstLine(path: string): Promise<string> {
  for await (const l of lines(path)) if (l.trim() !== '') return l;
  return '';
}

/** Streams the records of an input log file (NDJSON or a kspan capture), failing with a clear message. */
export async function* readInputLog(path: string, format: InputFormat = 'auto'): AsyncGenerator<InputRecord> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UserError(`${path}: not a file; give an input log (.ndjson) or a kspan capture (.yaml)`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`,
    );
  }
  const chosen =
    format === 'auto'
      ? path.endsWith('.ndjson') || path.endsWith('.jsonl')
        ? 'ndjson'
        : looksLikeCapture(await firstLine(path))
          ? 'capture'
          : 'ndjson'
      : format;
  yield* chosen === 'capture' ? readCapture(lines(path), path) : readNdjson(lines(path), path);
}
