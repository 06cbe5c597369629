import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { parseTimeUs, type InputRecord, type KubeObject } from '../core/index.ts';
import { parseCaptureHeader, type CaptureHeader } from './capture-header.ts';
import { InputLogError } from './input-log-error.ts';
import { ODD_BREAKS, parseMachineYaml, UNSUPPORTED } from './machine-yaml.ts';

const require = createRequire(import.meta.url);

/** The full YAML parser, loaded only for a document off the fast path (it adds to every start-up otherwise). */
function parseYaml(text: string): unknown {
  return (require('yaml') as typeof Yaml).parse(text);
}

/** Converts one document of a kspan `--capture-to` file (its `# {…}` header and YAML body) into a record. */
export function captureDocumentToRecord(
  header: CaptureHeader | undefined,
  body: unknown,
  lastAt: string | undefined,
  source: string,
  line: number,
): InputRecord | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body !== 'object' || Array.isArray(body))
    throw new InputLogError(source, line, 'a capture document must be one Kubernetes object');
  const at = header?.time ?? lastAt;
  if (at === undefined || parseTimeUs(at) === undefined) {
    throw new InputLogError(
      source,
      line,
      `the document needs a "# {\\"time\\":\\"<RFC 3339>\\",…}" header line, got ${JSON.stringify(header?.time)}`,
    );
  }
  const obj = body as KubeObject;
  const style = header?.style ?? '';
  if (style === 'event' || (style === '' && obj.kind === 'Event')) return { type: 'event', at, event: obj };
  const deleted = header?.deleted === true || style === 'delete' || style === 'deleted' || style === 'DELETED';
  return deleted ? { type: 'object', at, object: obj, deleted: true } : { type: 'object', at, object: obj };
}

/** Whether `s[from, end)` is a document separator: `---`, then nothing but spaces and tabs. */
function isSeparator(s: string, from: number, end: number): boolean {
  if (!s.startsWith('---', from)) return false;
  for (let i = from + 3; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** What a line before a document's content is: blank, a comment, or content (the document has begun). */
const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;

/** Classifies `s[from, end)` as trim() would see it (only spaces checked by hand: anything else is rare). */
function classify(s: string, from: number, end: number): number {
  let i = from;
  while (i < end && s.charCodeAt(i) === 32) i++;
  const c = s.charCodeAt(i);
  if (i === end) return BLANK;
  if (c === 35) return COMMENT;
  if (c > 32 && c < 127) return CONTENT;
  const t = s.slice(from, end).trim();
  return t === '' ? BLANK : t.startsWith('#') ? COMMENT : CONTENT;
}

/**
 * Reads a kspan capture a batch of lines at a time: multi-document YAML, each document preceded by
 * `# {"time":"…","style":"event"|"initial"|"watch"|…,"kind":"…"}` and separated by `---`. Each document is
 * parsed on its own, in place in the batch text, on the machine-written fast path when it fits
 * (parseMachineYaml), else by the `yaml` package; only the document in hand is held (its part in earlier
 * batches kept as text until it ends).
 */
export class CaptureDocuments {
  private readonly source: string;
  private header: CaptureHeader | undefined;
  /** The document in hand's text in earlier batches, a piece a batch (each without its final newline). */
  private pending: string[] = [];
  /** Whether the document in hand has a non-blank line (a comment counts), and one that is neither blank nor comment. */
  private nonBlank = false;
  private content = false;
  private startLine = 1;
  private n = 0;
  private lastAt: string | undefined;
  /** Records the documents read so far gave. */
  private records = 0;
  private readonly yaml = { oddBreaks: true };

  constructor(source: string) {
    this.source = source;
  }

  /**
   * Takes the next batch of the file's lines, one text with `\n` between lines (as fileLineBatches reads them; a
   * single line is a batch too); each document that ends in it gives its record to `out`.
   */
  batch(text: string, out: InputRecord[]): void {
    // An ASCII text (its UTF-8 length is its length: a native count, a tenth of the regex's time) has none.
    const oddBreaks = Buffer.byteLength(text) !== text.length && ODD_BREAKS.test(text);
    let docFrom = 0;
    for (let ls = 0; ls <= text.length;) {
      let nl = text.indexOf('\n', ls);
      if (nl < 0) nl = text.length;
      this.n += 1;
      const c = text.charCodeAt(ls);
      if (c === 45 /* - */ || !this.content) {
        const end = text.charCodeAt(nl - 1) === 13 && nl > ls ? nl - 1 : nl;
        if (c === 45 && isSeparator(text, ls, end)) {
          this.finish(text, docFrom, ls - 1, oddBreaks, out);
          docFrom = nl + 1;
          this.startLine = this.n + 1;
        } else if (!this.content) {
          let header: CaptureHeader | undefined;
          try {
            header = c === 35 /* # */ ? parseCaptureHeader(text, ls, end) : undefined;
          } catch {
            throw new InputLogError(this.source, this.n, 'the "# {…}" header is not valid JSON');
          }
          if (header !== undefined) {
            this.header = header;
            // What came before the header is blank lines and comments: dropped.
            this.pending = [];
            docFrom = nl + 1;
            this.startLine = this.n;
          } else {
            const kind = classify(text, ls, end);
            if (kind !== BLANK) this.nonBlank = true;
            if (kind === CONTENT) this.content = true;
          }
        }
      }
      ls = nl + 1;
    }
    if (docFrom <= text.length) this.pending.push(text.slice(docFrom));
  }

  /**
   * The input ended inside the document in hand (its last line, not given to `batch`, had no newline after it: its
   * writer stopped mid-line): the document is dropped, not parsed (a YAML document cut short most often still
   * parses, as an object without its last fields). The line the dropped document starts at, the cut line's number,
   * and how many records the documents before it gave.
   */
  dropCut(): { fromLine: number; cutLine: number; records: number } {
    const cutLine = this.n + 1;
    const begun = this.header !== undefined || this.nonBlank;
    const fromLine = begun ? this.startLine : cutLine;
    this.pending = [];
    this.nonBlank = false;
    this.content = false;
    this.header = undefined;
    this.n = cutLine;
    return { fromLine, cutLine, records: this.records };
  }

  /** End of the file: the last document's record goes to `out`. */
  end(out: InputRecord[]): void {
    this.finish('', 0, -1, true, out);
  }

  /** The document in hand ends: its text is `pending` and then `text[from, to)` (nothing when to < from). */
  private finish(text: string, from: number, to: number, oddBreaks: boolean, out: InputRecord[]): void {
    const pending = this.pending;
    const nonBlank = this.nonBlank;
    this.pending = [];
    this.nonBlank = false;
    this.content = false;
    if (!nonBlank) return;
    let s = text;
    if (pending.length > 0) {
      if (to >= from) pending.push(text.slice(from, to));
      s = pending.join('\n');
      from = 0;
      to = s.length;
      // The pieces are not tested for ODD_BREAKS one batch at a time: the parser tests each line.
      oddBreaks = true;
    }
    this.yaml.oddBreaks = oddBreaks;
    let doc = parseMachineYaml(s, from, to, this.yaml);
    if (doc === UNSUPPORTED) {
      try {
        doc = parseYaml(s.slice(from, to));
      } catch (err) {
        const said = (err as Error).message.split('\n')[0] ?? '';
        const at = (err as { linePos?: readonly { readonly line: number; readonly col: number }[] }).linePos?.[0];
        if (at === undefined) throw new InputLogError(this.source, this.startLine, `not valid YAML (${said})`);
        // The parser counts lines within the document's text, which starts after its header: the file's line instead.
        const first = this.header !== undefined ? this.startLine + 1 : this.startLine;
        const what = said.replace(/ at line \d+, column \d+:?$/, '');
        throw new InputLogError(this.source, first + at.line - 1, `not valid YAML (${what}, column ${at.col})`);
      }
    }
    const record = captureDocumentToRecord(this.header, doc, this.lastAt, this.source, this.startLine);
    this.header = undefined;
    if (record !== undefined) {
      this.lastAt = record.at;
      this.records += 1;
      out.push(record);
    }
  }
}

/** Reads a kspan capture from lines, yielding records in order. */
export async function* readCapture(
  lines: AsyncIterable<string> | Iterable<string>,
  source: string,
): AsyncGenerator<InputRecord> {
  const reader = new CaptureDocuments(source);
  const out: InputRecord[] = [];
  for await (const line of lines) {
    reader.batch(line, out);
    yield* out.splice(0);
  }
  reader.end(out);
  yield* out;
}

/** True when the text looks like a capture file rather than NDJSON. */
export function looksLikeCapture(firstLine: string): boolean {
  const t = firstLine.trim();
  return t === '---' || t.startsWith('# {') || /^[a-zA-Z]+:/.test(t);
}
