import { ownCopy } from './yaml-scalar.ts';

/** The `# {…}` line before a capture document: when it was received, and how. */
export interface CaptureHeader {
  readonly time?: string;
  readonly style?: string;
  readonly kind?: string;
  /** Set by kspan's writer on an object's last document: it was deleted (Go kspan ignores the field). */
  readonly deleted?: boolean;
}

/** Whether `s[from, to)` is a JSON string's content that needs no unescaping: no `\` and no control character. */
function isPlainJsonText(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 92) return false;
  }
  return true;
}

/**
 * The header `s[from, to)` (`{` to `}`) as the writers write it, `{"key":"value",…}` with no spaces, values
 * strings free of escapes or true/false, read by hand (JSON.parse was a tenth of a capture's read time);
 * undefined for anything else, which JSON.parse reads (or rejects). Gives what JSON.parse gives for the fields
 * the reader uses (a repeated key: the last one).
 */
function simpleHeader(s: string, from: number, to: number): CaptureHeader | undefined {
  let time: string | undefined;
  let style: string | undefined;
  let kind: string | undefined;
  let deleted: boolean | undefined;
  let i = from + 1;
  if (i === to - 1) return {};
  for (;;) {
    if (s.charCodeAt(i) !== 34) return undefined;
    const keyEnd = s.indexOf('"', i + 1);
    if (keyEnd < 0 || keyEnd >= to || s.charCodeAt(keyEnd + 1) !== 58 || !isPlainJsonText(s, i + 1, keyEnd)) {
      return undefined;
    }
    const key = s.slice(i + 1, keyEnd);
    i = keyEnd + 2;
    let value: string | boolean;
    if (s.charCodeAt(i) === 34) {
      const end = s.indexOf('"', i + 1);
      if (end < 0 || end >= to || !isPlainJsonText(s, i + 1, end)) return undefined;
      value = s.slice(i + 1, end);
      i = end + 1;
    } else if (s.startsWith('true', i)) {
      value = true;
      i += 4;
    } else if (s.startsWith('false', i)) {
      value = false;
      i += 5;
    } else {
      return undefined;
    }
    // What the reader reads must be a string (time, style, kind) or a boolean (deleted), as JSON.parse gives them.
    if (key === 'time' || key === 'style' || key === 'kind') {
      if (typeof value !== 'string') return undefined;
      if (key === 'time') time = ownCopy(value);
      else if (key === 'style') style = value;
      else kind = value;
    } else if (key === 'deleted') {
      if (typeof value !== 'boolean') return undefined;
      deleted = value;
    }
    const c = s.charCodeAt(i);
    if (c === 125 /* } */ && i === to - 1) break;
    if (c !== 44 /* , */) return undefined;
    i++;
  }
  const header: { time?: string; style?: string; kind?: string; deleted?: boolean } = {};
  if (time !== undefined) header.time = time;
  if (style !== undefined) header.style = style;
  if (kind !== undefined) header.kind = kind;
  if (deleted !== undefined) header.deleted = deleted;
  return header;
}

/**
 * The header on the line `s[from, end)` if it is one (`#`, then a JSON object), else undefined; throws a
 * SyntaxError when it looks like one but is not valid JSON.
 */
export function parseCaptureHeader(s: string, from: number, end: number): CaptureHeader | undefined {
  if (s.charCodeAt(from) !== 35 /* # */) return undefined;
  if (s.charCodeAt(from + 1) === 32 && s.charCodeAt(from + 2) === 123 && s.charCodeAt(end - 1) === 125) {
    const header = simpleHeader(s, from + 2, end);
    if (header !== undefined) return header;
  }
  const t = s.slice(from + 1, end).trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  return JSON.parse(t) as CaptureHeader;
}
