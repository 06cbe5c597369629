import { parse } from 'yaml';
import type { InputRecord } from '../core/input-record.ts';
import type { KubeObject } from '../core/kube.ts';
import { parseTimeUs } from '../core/time.ts';
import { InputLogError } from './input-log-error.ts';

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

/**
 * Reads a kspan capture file: multi-document YAML, each document preceded by
 * `# {"time":"…","style":"event"|"initial"|"watch"|…,"kind":"…"}` and separated by `---`.
 */
export async function* readCapture(
  lines: AsyncIterable<string> | Iterable<string>,
  source: string,
): AsyncGenerator<InputRecord> {
  let header: CaptureHeader | undefined;
  let body: string[] = [];
  let startLine = 1;
  let n = 0;
  let lastAt: string | undefined;
  const finish = (): InputRecord | undefined => {
    const text = body.join('\n');
    body = [];
    if (text.trim() === '') return undefined;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new InputLogError(source, startLine, `not valid YAML (${(err as Error).message.split('\n')[0]})`);
    }
    const record = captureDocumentToRecord(header, doc, lastAt, source, startLine);
    if (record !== undefined) lastAt = record.at;
    header = undefined;
    return record;
  };
  for await (const raw of lines) {
    n += 1;
    const text = raw.replace(/\r$/, '');
    if (/^---\s*$/.test(text)) {
      const r = finish();
      if (r !== undefined) yield r;
      startLine = n + 1;
      continue;
    }
    const h = /^#\s*(\{.*\})\s*$/.exec(text);
    if (h !== null && body.every((l) => l.trim() === '' || l.trim().startsWith('#'))) {
      try {
        header = JSON.parse(h[1] as string) as CaptureHeader;
      } catch {
        throw new InputLogError(source, n, 'the "# {…}" header is not valid JSON');
      }
      startLine = n;
      continue;
    }
    body.push(text);
  }
  const r = finish();
  if (r !== undefined) yield r;
}

/** True when the text looks like a capture file rather than NDJSON. */
export function looksLikeCapture(firstLine: string): boolean {
  const t = firstLine.trim();
  return t === '---' || t.startsWith('# {') || /^[a-zA-Z]+:/.test(t);
}
