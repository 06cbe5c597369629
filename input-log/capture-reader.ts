import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { parseTimeUs, type InputRecord, type KubeObject } from '../core/index.ts';
import { InputLogError } from './input-log-error.ts';
import { parseMachineYaml, UNSUPPORTED } from './machine-yaml.ts';

const require = createRequire(import.meta.url);

/** The full YAML parser, loaded only for a document off the fast path (it adds to every start-up otherwise). */
function parseYaml(text: string): unknown {
  return (require('yaml') as typeof Yaml).parse(text);
}

interface CaptureHeader {
  readonly time?: string;
  readonly style?: string;
  readonly kind?: string;
  /** Set by kspan's writer on an object's last document: it was deleted (Go kspan ignores the field). */
  readonly deleted?: boolean;
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

function isSeparator(text: string): boolean {
  if (!text.startsWith('---')) return false;
  for (let i = 3; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** `# {…}` (the JSON header of a document), else undefined. */
function headerJson(text: string): string | undefined {
  if (text.charCodeAt(0) !== 35 /* # */) return undefined;
  const t = text.slice(1).trim();
  return t.startsWith('{') && t.endsWith('}') ? t : undefined;
}

function isBlankOrComment(l: string): boolean {
  const t = l.trim();
  return t === '' || t.startsWith('#');
}

/**
 * Reads a kspan capture file line by line: multi-document YAML, each document preceded by
 * `# {"time":"…","style":"event"|"initial"|"watch"|…,"kind":"…"}` and separated by `---`. Each document is
 * parsed on its own, on the machine-written fast path when it fits (parseMachineYaml), else by the `yaml`
 * package; only the document in hand is held.
 */
export class CaptureDocuments {
  private readonly source: string;
  private header: CaptureHeader | undefined;
  private body: string[] = [];
  private startLine = 1;
  private n = 0;
  private lastAt: string | undefined;

  constructor(source: string) {
    this.source = source;
  }

  /** Takes the next line of the file; a finished document's record goes to `out`. */
  line(raw: string, out: InputRecord[]): void {
    this.n += 1;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (isSeparator(text)) {
      this.finish(out);
      this.startLine = this.n + 1;
      return;
    }
    const h = headerJson(text);
    if (h !== undefined && this.body.every(isBlankOrComment)) {
      try {
        this.header = JSON.parse(h) as CaptureHeader;
      } catch {
        throw new InputLogError(this.source, this.n, 'the "# {…}" header is not valid JSON');
      }
      this.startLine = this.n;
      return;
    }
    this.body.push(text);
  }

  /** End of the file: the last document's record goes to `out`. */
  end(out: InputRecord[]): void {
    this.finish(out);
  }

  private finish(out: InputRecord[]): void {
    const body = this.body;
    this.body = [];
    if (body.every((l) => l.trim() === '')) return;
    let doc = parseMachineYaml(body);
    if (doc === UNSUPPORTED) {
      try {
        doc = parseYaml(body.join('\n'));
      } catch (err) {
        throw new InputLogError(
          this.source,
          this.startLine,
          `not valid YAML (${(err as Error).message.split('\n')[0]})`,
        );
      }
    }
    const record = captureDocumentToRecord(this.header, doc, this.lastAt, this.source, this.startLine);
    this.header = undefined;
    if (record !== undefined) {
      this.lastAt = record.at;
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
    reader.line(line, out);
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
