import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { InputRecord } from '../core/input-record.ts';
import { looksLikeCapture, readCapture } from '../input-log/capture-reader.ts';
import { readNdjson } from '../input-log/ndjson-reader.ts';
import { UserError } from './user-error.ts';

/** Input formats `kspan replay` reads. */
export type InputFormat = 'auto' | 'ndjson' | 'capture';

/** The path that means standard input. */
export const STDIN = '-';

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({
    input: path === STDIN ? process.stdin.setEncoding('utf8') : createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  yield* rl;
}

async function firstLine(path: string): Promise<string> {
  for await (const l of lines(path)) if (l.trim() !== '') return l;
  return '';
}

/** Whether a file starts with bytes no text log has (NUL, or invalid UTF-8): then no line of it is quoted. */
async function looksBinary(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.includes(0)) return true;
    // stream: a multi-byte character cut at the end of the 4 KiB is fine; anything else that does not decode is not.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return false;
  } catch {
    return true;
  } finally {
    await handle.close();
  }
}

/** Streams the records of an input log file (NDJSON or a kspan capture), failing with a clear message. */
export async function* readInputLog(path: string, format: InputFormat = 'auto'): AsyncGenerator<InputRecord> {
  if (path === STDIN) {
    // Standard input is read once: auto-detection looks at the first lines and hands them on.
    // (next() by hand: leaving a for-await loop early would close the stream.)
    const source = lines(path);
    const head: string[] = [];
    for (let r = await source.next(); r.done !== true; r = await source.next()) {
      head.push(r.value);
      if (r.value.trim() !== '') break;
    }
    const all = (async function* () {
      yield* head;
      yield* source;
    })();
    const capture = format === 'capture' || (format === 'auto' && looksLikeCapture(head.at(-1) ?? ''));
    yield* capture ? readCapture(all, '<stdin>') : readNdjson(all, '<stdin>');
    return;
  }
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UserError(`${path}: not a file; give an input log (.ndjson) or a kspan capture (.yaml)`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`,
    );
  }
  if (await looksBinary(path))
    throw new UserError(`${path}: binary data, not an input log (.ndjson) or a kspan capture (.yaml)`);
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
