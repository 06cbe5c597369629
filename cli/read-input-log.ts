import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { InputRecord } from '../core/index.ts';
import { CaptureDocuments, looksLikeCapture } from '../input-log/capture-reader.ts';
import { fileLineBatches, lineBatches } from '../input-log/file-line-batches.ts';
import { GzipInputError, gunzipIfCompressed, startsGzip } from '../input-log/gzip-input.ts';
import { InputLogError } from '../input-log/input-log-error.ts';
import { parseNdjsonLines } from '../input-log/ndjson-reader.ts';
import { UserError } from '../common/user-error.ts';

/** Input formats `kspan replay` reads. */
export type InputFormat = 'auto' | 'ndjson' | 'capture';

/** The path that means standard input. */
export const STDIN = '-';

/**
 * An input log whose end is missing (its writer stopped mid-line: a crash, a copy of a log still being written, a
 * gzip stream broken off): thrown once every record before the cut was handed on, so that they can be replayed
 * first. A user mistake all the same (exit 2): what the log held past the cut is not there.
 */
export class CutShortInput extends UserError {}

/** What a file's first bytes say it is: gzip data, plain text, or bytes no text log has (NUL, or invalid UTF-8). */
async function contentOf(path: string): Promise<'gzip' | 'text' | 'binary'> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    if (startsGzip(head)) return 'gzip';
    if (head.includes(0)) return 'binary';
    // stream: a multi-byte character cut at the end of the 4 KiB is fine; anything else that does not decode is not.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'text';
  } catch {
    return 'binary';
  } finally {
    await handle.close();
  }
}

/** The first line of a batch text that is not blank, if any. */
function firstNonBlankLine(text: string): string | undefined {
  for (let from = 0; from <= text.length;) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const line = text.slice(from, nl);
    if (line.trim() !== '') return line;
    from = nl + 1;
  }
  return undefined;
}

/** A file replay can read, and whether it is gzip-compressed; a UserError when it cannot be read or is not text. */
async function checkFile(path: string): Promise<'gzip' | 'text'> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UserError(`${path}: not a file; give an input log (.ndjson) or a kspan capture (.yaml)`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`,
    );
  }
  const content = await contentOf(path);
  if (content === 'binary')
    throw new UserError(
      `${path}: binary data, not an input log (.ndjson) or a kspan capture (.yaml), gzip-compressed or not`,
    );
  return content;
}

/** Whether a file's name says it is NDJSON (`.ndjson`, `.jsonl`, either with `.gz` after it). */
function namedNdjson(path: string): boolean {
  const name = path.endsWith('.gz') ? path.slice(0, -3) : path;
  return name.endsWith('.ndjson') || name.endsWith('.jsonl');
}

/**
 * The lines of a file or of standard input in batches, decompressed first when they are gzip data (`onUnterminated`:
 * see lineBatches).
 */
function batchesOf(
  path: string,
  content: 'gzip' | 'text' | undefined,
  onUnterminated: () => void,
): AsyncGenerator<string> {
  if (path === STDIN) return lineBatches(gunzipIfCompressed(process.stdin), onUnterminated);
  if (content === 'gzip')
    return lineBatches(gunzipIfCompressed(createReadStream(path, { highWaterMark: 1 << 20 })), onUnterminated);
  return fileLineBatches(path, undefined, undefined, onUnterminated);
}

/**
 * Streams the records of an input log (a file, or standard input for `-`; NDJSON or a kspan capture, either of
 * them gzip-compressed or not) a batch at a time, one batch per read (1 MiB from a plain file), failing with a
 * clear message. Auto-detection looks at the first non-blank line: the batches read until then are handed on, so
 * standard input is read once. An NDJSON log whose last line has no newline after it and is not JSON, a capture whose
 * last line has no newline after it (its last document is dropped), or gzip data that ends early, hands on every
 * record before the cut, then fails with CutShortInput.
 */
export async function* readInputLog(path: string, format: InputFormat = 'auto'): AsyncGenerator<InputRecord[]> {
  const stdin = path === STDIN;
  const content = stdin ? undefined : await checkFile(path);
  const source = stdin ? '<stdin>' : path;
  let unterminated = false;
  const batches = batchesOf(path, content, () => {
    unterminated = true;
  });
  try {
    const head: string[] = [];
    let chosen: 'ndjson' | 'capture' | undefined =
      format !== 'auto' ? format : !stdin && namedNdjson(path) ? 'ndjson' : undefined;
    // next() by hand: leaving a for-await loop early would close the stream.
    while (chosen === undefined) {
      const r = await batches.next();
      if (r.done === true) break;
      head.push(r.value);
      const first = firstNonBlankLine(r.value);
      if (first !== undefined) chosen = looksLikeCapture(first) ? 'capture' : 'ndjson';
    }
    const capture = chosen === 'capture' ? new CaptureDocuments(source) : undefined;
    let line = 1;
    let cut: CutShortInput | undefined;
    /** `last`: the text is the input's last line, with no newline after it (announced before it is handed on). */
    const parse = (text: string, last: boolean): InputRecord[] => {
      const records: InputRecord[] = [];
      if (capture !== undefined) {
        // Machine-written documents end with a newline: a last line without one is where the writer stopped, and
        // the document it is in is cut short (unless the line is a separator or blank: nothing of a record in it).
        const t = last ? text.trim() : '';
        if (t === '' || t === '---') {
          capture.batch(text, records);
        } else {
          const { fromLine, cutLine, records: before } = capture.dropCut();
          cut = new CutShortInput(
            `${source}:${fromLine}: the last document is cut short (no newline after its last line, line ${cutLine}); it was not replayed, the ${before} records before it were (a whole file ends with a newline)`,
          );
        }
      } else {
        const lines = text.split('\n');
        try {
          parseNdjsonLines(lines, source, line, records);
        } catch (err) {
          // Only the last line, with no newline after it: a record cut anywhere is not JSON (an object's prefix).
          const last = line + lines.length - 1;
          if (!(unterminated && err instanceof InputLogError && err.notJson && err.line === last)) throw err;
          cut = new CutShortInput(
            `${source}:${last}: the last line is cut short (no newline after it, not valid JSON); the ${last - 1} lines before it were read`,
          );
        }
        line += lines.length;
      }
      return records;
    };
    for (let i = 0; i < head.length; i++) {
      const records = parse(head[i] as string, unterminated && i === head.length - 1);
      if (records.length > 0) yield records;
    }
    for (let r = await batches.next(); r.done !== true; r = await batches.next()) {
      const records = parse(r.value, unterminated);
      if (records.length > 0) yield records;
    }
    if (capture !== undefined) {
      const records: InputRecord[] = [];
      capture.end(records);
      if (records.length > 0) yield records;
    }
    if (cut !== undefined) throw cut;
  } catch (err) {
    if (err instanceof GzipInputError && err.cutShort)
      throw new CutShortInput(`${source}: gzip data cut short (${err.reason}); what came before it was read`, 2, {
        cause: err,
      });
    if (err instanceof GzipInputError)
      throw new UserError(`${source}: not valid gzip data (${err.reason})`, 2, { cause: err });
    throw err;
  } finally {
    // A parse error, or a consumer that stops early, leaves the reader mid-file: its file is closed here.
    await batches.return(undefined);
  }
}
