/** Thrown to abandon the machine-YAML fast path; parseMachineYaml turns it into UNSUPPORTED. */
export class Unsupported extends Error {}

/** Abandons the fast path: the document goes to the full parser. */
export const bail = (): never => {
  throw new Unsupported();
};

// Plain scalars the YAML 1.2 core schema (the `yaml` package's default) resolves to something other than a string.
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);
const INT = /^[-+]?[0-9]+$/;
/** Floats, octal, hex, infinities and NaN of the core schema: left to the full parser. */
const OTHER_NUMBER =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** Characters a plain scalar may not start with (YAML c-indicator), and space. */
const INDICATORS_TEXT = '-?:,[]{}#&*!|>\'"%@` \t';
const INDICATORS = new Set(INDICATORS_TEXT);

/** First characters after which a plain scalar needs a closer look: numbers, `~`, and the indicators. */
const CLOSER_LOOK = new Uint8Array(128);
for (const c of '0123456789+-.~' + INDICATORS_TEXT) CLOSER_LOOK[c.charCodeAt(0)] = 1;

/** The indicators a plain scalar may start with when a non-space follows (YAML's ns-plain-first): `-`, `?`, `:`. */
const SAFE_FIRST = new Uint8Array(128);
for (const c of '-?:') SAFE_FIRST[c.charCodeAt(0)] = 1;
const isSpace = (c: number): boolean => c === 32 || c === 9;

/** A plain (unquoted) scalar's value: a string, a number, a boolean or null; bails on what needs the full parser. */
export function plain(s: string): unknown {
  const n = s.length;
  if (n === 0) return null;
  const c = s.charCodeAt(0);
  if (c < 128 && CLOSER_LOOK[c] === 1) {
    if (NULLS.has(s)) return null;
    if (INT.test(s)) return Number(s);
    if (OTHER_NUMBER.test(s)) bail();
    // An indicator cannot start a plain scalar, except `-`, `?` or `:` before a character that is not a space:
    // a container's arguments (`- -c`, `- --port=8080`), as Go writes them plain. A lone one: the full parser.
    if (INDICATORS.has(s[0] as string) && !(n > 1 && SAFE_FIRST[c] === 1 && !isSpace(s.charCodeAt(1)))) bail();
  } else if (n <= 5) {
    if (NULLS.has(s)) return null;
    const b = BOOLS.get(s);
    if (b !== undefined) return b;
  }
  // Most values hold neither ':' nor '#': two native scans rule both out.
  if (s.indexOf(':') >= 0 && (s.includes(': ') || s.includes(':\t') || s.charCodeAt(n - 1) === 58)) bail();
  if (s.indexOf('#') > 0 && (s.includes(' #') || s.includes('\t#'))) bail();
  const last = s.charCodeAt(n - 1);
  if (last === 32 || last === 9) bail();
  return s;
}

/** YAML's one-character escapes in a double-quoted scalar (`\x`, `\u`, `\U` take hex digits). */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;
/** Control characters but the line break (one that folding made of a blank line: the text itself has none). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f]/;

/**
 * The value of a double-quoted scalar's text between its quotes (already folded, when it took several lines):
 * its escapes resolved. A raw control character (a tab too), an unknown escape or a code point past Unicode: the
 * full parser.
 */
export function unescapeDoubleQuoted(body: string): string {
  if (RAW_CONTROL.test(body)) bail();
  let at = body.indexOf('\\');
  if (at < 0) return body;
  const out: string[] = [];
  let from = 0;
  while (at >= 0) {
    out.push(body.slice(from, at));
    const c = body[at + 1] ?? bail();
    const one = ESCAPES[c];
    const digits = HEX_DIGITS[c];
    if (one !== undefined) {
      out.push(one);
      from = at + 2;
    } else if (digits !== undefined) {
      const hex = body.slice(at + 2, at + 2 + digits);
      if (hex.length !== digits || !HEX.test(hex)) bail();
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) bail();
      out.push(String.fromCodePoint(code));
      from = at + 2 + digits;
    } else bail();
    at = body.indexOf('\\', from);
  }
  out.push(body.slice(from));
  return out.join('');
}

/**
 * Where the quoted scalar that opened before `from` closes in `s[from, to)`: the index of its closing quote, or -1
 * when it goes on past `to` (`"`: a quote after an even number of backslashes; `'`: a quote not doubled).
 */
export function closingQuote(s: string, from: number, to: number, double: boolean): number {
  const quote = double ? '"' : "'";
  for (let i = from; ;) {
    const q = s.indexOf(quote, i);
    if (q < 0 || q >= to) return -1;
    if (double) {
      let backslashes = 0;
      for (let j = q - 1; j >= from && s.charCodeAt(j) === 92; j--) backslashes++;
      if (backslashes % 2 === 0) return q;
      i = q + 1;
    } else if (q + 1 >= to || s.charCodeAt(q + 1) !== 39) return q;
    else i = q + 2;
  }
}

/** A quoted scalar's value from its text between the quotes (folded already when it took several lines). */
export function quotedText(body: string, double: boolean): string {
  return double ? unescapeDoubleQuoted(body) : body.replaceAll("''", "'");
}

/** A quoted scalar (`"…"` or `'…'`) starting at `s[0]`: its value and the index after the closing quote. */
export function quoted(s: string): [string, number] {
  const double = s.charCodeAt(0) === 34;
  const q = closingQuote(s, 1, s.length, double);
  if (q < 0) bail(); // continues on the next line
  return [quotedText(s.slice(1, q), double), q + 1];
}

/** Below this length V8 copies what slice() cuts (SlicedString::kMinLength): such a value is its own already. */
const MIN_SLICED_LENGTH = 13;

/**
 * A string value as a string of its own. A value cut from a read batch is a slice of the whole 1 MiB batch text:
 * one value the engine keeps (an object's name, a uid) would keep the whole batch alive (the capture replay of
 * the bench's 100k log peaked at 485 MiB RSS, its NDJSON form at 261). Concatenating and slicing again makes V8
 * copy just the value.
 */
export function ownCopy(value: string): string {
  return value.length < MIN_SLICED_LENGTH ? value : ` ${value}`.slice(1);
}

/** A plain value on the same line as its key or dash, as a value of its own (strings copied: see ownCopy). */
export function scalar(s: string): unknown {
  if (s === '{}') return {};
  if (s === '[]') return [];
  const value = plain(s);
  return typeof value === 'string' ? ownCopy(value) : value;
}
