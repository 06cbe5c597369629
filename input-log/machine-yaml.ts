/** Returned when a document uses YAML beyond the machine-written subset: the caller parses it in full. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported YAML');

/** Thrown inside the parser to abandon the fast path; never escapes parseMachineYaml. */
class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported();
};

interface Line {
  readonly indent: number;
  text: string;
  /** Index of the raw line it came from. */
  readonly row: number;
}

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
/** Characters some YAML parsers treat as line breaks or strip: left to the full parser. */
const ODD_BREAKS = /[\u0085\u2028\u2029\ufeff]/;
/** Characters a plain scalar may not start with (YAML c-indicator), and space. */
const INDICATORS_TEXT = '-?:,[]{}#&*!|>\'"%@` \t';
const INDICATORS = new Set(INDICATORS_TEXT);

/** First characters after which a plain scalar needs a closer look: numbers, `~`, and the indicators. */
const CLOSER_LOOK = new Uint8Array(128);
for (const c of '0123456789+-.~' + INDICATORS_TEXT) CLOSER_LOOK[c.charCodeAt(0)] = 1;

function plain(s: string): unknown {
  const n = s.length;
  if (n === 0) return null;
  const c = s.charCodeAt(0);
  if (c < 128 && CLOSER_LOOK[c] === 1) {
    if (NULLS.has(s)) return null;
    if (INT.test(s)) return Number(s);
    if (OTHER_NUMBER.test(s)) bail();
    // A lone '-', '?' or ':' followed by a non-space may start a plain scalar; leave those to the full parser.
    if (INDICATORS.has(s[0] as string)) bail();
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

/** JSON's escapes are a subset of YAML's double-quoted ones; anything else goes to the full parser. */
const JSON_ESCAPES = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/g;

/** A double-quoted scalar starting at `s[0]`; returns its value and the index after the closing quote. */
function doubleQuoted(s: string): [string, number] {
  let i = 1;
  let escaped = false;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) bail(); // continues on the next line
    let backslashes = 0;
    for (let j = q - 1; j > 0 && s.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes > 0) escaped = true;
    if (backslashes % 2 === 0) {
      const body = s.slice(1, q);
      if (!escaped && !body.includes('\\')) return [body, q + 1];
      if (body.replace(JSON_ESCAPES, '').includes('\\')) bail();
      try {
        return [JSON.parse(s.slice(0, q + 1)) as string, q + 1];
      } catch {
        return bail(); // a raw control character, say
      }
    }
    i = q + 1;
  }
}

/** A single-quoted scalar starting at `s[0]` ('' is a quote). */
function singleQuoted(s: string): [string, number] {
  let i = 1;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0) bail();
    if (s.charCodeAt(q + 1) === 39) {
      i = q + 2;
      continue;
    }
    return [s.slice(1, q).replaceAll("''", "'"), q + 1];
  }
}

/**
 * A string value as a string of its own. A line of a read batch is a slice of the whole 1 MiB batch text, and so
 * is a value cut from it: one value the engine keeps (an object's name, a uid) would keep the whole batch alive
 * (the capture replay of the bench's 100k log peaked at 485 MiB RSS, its NDJSON form at 261). Concatenating and
 * slicing again makes V8 copy just the value.
 */
function ownCopy(value: string): string {
  return ` ${value}`.slice(1);
}

/** A value on the same line as its key or dash. */
function scalar(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 34 || c === 39) {
    const [value, end] = c === 34 ? doubleQuoted(s) : singleQuoted(s);
    if (end !== s.length) bail(); // a comment or junk after the closing quote
    return ownCopy(value);
  }
  if (s === '{}') return {};
  if (s === '[]') return [];
  const value = plain(s);
  return typeof value === 'string' ? ownCopy(value) : value;
}

function isDash(t: string): boolean {
  return t.charCodeAt(0) === 45 && (t.length === 1 || t.charCodeAt(1) === 32);
}

/** Splits `key: rest` (rest '' when the value is on the next lines). */
function keyOf(t: string): [string, string] {
  const c = t.charCodeAt(0);
  let key: string;
  let after: number;
  if (c === 34 || c === 39) {
    [key, after] = c === 34 ? doubleQuoted(t) : singleQuoted(t);
    if (t.charCodeAt(after) !== 58) bail();
  } else {
    const sep = t.indexOf(': ');
    after = sep >= 0 ? sep : t.endsWith(':') ? t.length - 1 : bail();
    const k = plain(t.slice(0, after));
    if (typeof k !== 'string') bail(); // null, boolean or number keys: left to the full parser
    key = k as string;
  }
  if (key === '__proto__' || key === '<<') bail();
  const rest = t.slice(after + 1);
  if (rest !== '' && rest.charCodeAt(0) !== 32) bail();
  let from = 0;
  while (rest.charCodeAt(from) === 32) from++;
  return [key, rest.slice(from)];
}

/** An anchor or alias name as writers spell them (`&a1`, `*a1`); others go to the full parser. */
const ANCHOR_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `&name` at the start of a value: its name and the rest of the line after it (`''` when the anchored
 * value is the block on the next lines). The `yaml` package writes one for an object met twice.
 */
function anchored(rest: string): [string, string] {
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest.slice(1) : rest.slice(1, space);
  if (!ANCHOR_NAME.test(name)) bail();
  return [name, space < 0 ? '' : rest.slice(space + 1).trimStart()];
}

class Parser {
  private pos = 0;
  private readonly lines: Line[];
  private readonly raws: readonly string[];
  /** Values by anchor name, for the aliases after them (the same object, as the `yaml` package gives). */
  private readonly anchors = new Map<string, unknown>();

  constructor(lines: Line[], raws: readonly string[]) {
    this.lines = lines;
    this.raws = raws;
  }

  /** A value on its key's (or dash's) line, `|` and `|-` literal blocks included; `pos` is past that line. */
  private inline(rest: string, indent: number): unknown {
    if (rest === '|' || rest === '|-') return this.literal(indent, rest === '|-');
    if (rest.charCodeAt(0) === 42 /* * */) return this.alias(rest);
    return scalar(rest);
  }

  private aliases = 0;

  /**
   * `*name`: the value anchored earlier as `&name`. Past 100 aliases the document goes to the full parser,
   * whose alias limit refuses a "billion laughs" document before anything walks it.
   */
  private alias(rest: string): unknown {
    const name = rest.slice(1);
    if (!ANCHOR_NAME.test(name) || !this.anchors.has(name) || ++this.aliases > 100) bail();
    return this.anchors.get(name);
  }

  /**
   * A literal block scalar (`|` keeps one final newline, `|-` none), its indentation that of its first
   * non-empty line, read from the raw lines: blank and `#` lines inside it are content.
   */
  private literal(parentIndent: number, strip: boolean): string {
    const content: string[] = [];
    let blockIndent = -1;
    let r = (this.lines[this.pos - 1] as Line).row + 1;
    for (; r < this.raws.length; r++) {
      const raw = this.raws[r] as string;
      let ind = 0;
      while (raw.charCodeAt(ind) === 32) ind++;
      if (ind === raw.length) {
        if (blockIndent < 0 && ind > 0) bail(); // leading blank lines with spaces: the indentation is unclear
        content.push(ind > blockIndent && blockIndent >= 0 ? raw.slice(blockIndent) : '');
        continue;
      }
      if (blockIndent < 0) {
        if (ind <= parentIndent) break;
        blockIndent = ind;
      }
      if (ind < blockIndent) break;
      content.push(raw.slice(blockIndent));
    }
    while (content.length > 0 && content[content.length - 1] === '') content.pop();
    while (this.pos < this.lines.length && (this.lines[this.pos] as Line).row < r) this.pos++;
    return content.length === 0 ? '' : strip ? content.join('\n') : `${content.join('\n')}\n`;
  }

  document(): unknown {
    const value = this.block();
    if (this.pos !== this.lines.length) bail();
    return value;
  }

  private block(): unknown {
    const first = this.lines[this.pos] as Line;
    return isDash(first.text) ? this.sequence(first.indent) : this.mapping(first.indent);
  }

  /** Whether the line at `pos` is deeper than `indent`. */
  private deeper(indent: number): boolean {
    const next = this.lines[this.pos];
    return next !== undefined && next.indent > indent;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    // Ends at the first line that is not an item here: a key after a sequence at its key's indentation.
    for (
      let line = this.lines[this.pos];
      line !== undefined && line.indent === indent && isDash(line.text);
      line = this.lines[this.pos]
    ) {
      let rest = line.text.slice(1).trimStart();
      let anchor: string | undefined;
      if (rest.charCodeAt(0) === 38 /* & */) {
        [anchor, rest] = anchored(rest);
        // "- &a key: value" and an anchored alias: left to the full parser
        if (rest !== '' && (looksLikeMapping(rest) || rest.charCodeAt(0) === 42)) bail();
      }
      if (rest === '') {
        this.pos++;
        out.push(this.deeper(indent) ? this.block() : null);
      } else if (isDash(rest)) {
        bail(); // a sequence inside a sequence on one line
      } else if (looksLikeMapping(rest)) {
        // "- key: value": a mapping whose keys line up with this one's column.
        this.lines[this.pos] = { indent: indent + (line.text.length - rest.length), text: rest, row: line.row };
        out.push(this.mapping(indent + (line.text.length - rest.length)));
      } else {
        this.pos++;
        out.push(this.inline(rest, indent));
      }
      if (anchor !== undefined) this.anchors.set(anchor, out[out.length - 1]);
      if (this.deeper(indent)) bail();
    }
    return out;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.pos]; line !== undefined && line.indent === indent; line = this.lines[this.pos]) {
      if (isDash(line.text)) bail();
      const [key, afterKey] = keyOf(line.text);
      if (Object.hasOwn(out, key)) bail(); // duplicate key: the full parser reports it
      const [anchor, rest] = afterKey.charCodeAt(0) === 38 /* & */ ? anchored(afterKey) : [undefined, afterKey];
      if (anchor !== undefined && rest.charCodeAt(0) === 42) bail(); // an anchored alias
      this.pos++;
      let value: unknown;
      if (rest !== '') {
        value = this.inline(rest, indent);
        if (this.deeper(indent)) bail(); // a scalar continued on the next lines
      } else if (this.deeper(indent)) {
        value = this.block();
      } else {
        const next = this.lines[this.pos];
        // A sequence may sit at its key's own indentation (Go's yaml writes it so).
        value = next !== undefined && next.indent === indent && isDash(next.text) ? this.sequence(indent) : null;
      }
      if (anchor !== undefined) this.anchors.set(anchor, value);
      out[key] = value;
    }
    return out;
  }
}

function looksLikeMapping(t: string): boolean {
  const c = t.charCodeAt(0);
  if (c === 34 || c === 39) {
    try {
      const [, end] = c === 34 ? doubleQuoted(t) : singleQuoted(t);
      return t.charCodeAt(end) === 58;
    } catch {
      return false;
    }
  }
  return t.includes(': ') || t.endsWith(':');
}

/**
 * Parses one YAML document as machines write it (Kubernetes objects through Go's yaml or the `yaml` package):
 * block mappings and sequences, one-line plain and quoted scalars, `|`/`|-` literal blocks, `{}` and `[]`,
 * anchors and aliases. Gives the same value as the `yaml` package's parse() (machine-yaml.test.ts compares the
 * two), or UNSUPPORTED for anything else (folded and `|+` blocks, multi-line or folded scalars, flow
 * collections, merge keys, tags, floats, odd keys, duplicate keys),
 * which the caller hands to the full parser.
 */
export function parseMachineYaml(text: readonly string[]): unknown {
  const lines: Line[] = [];
  const raws: string[] = [];
  for (let row = 0; row < text.length; row++) {
    let raw = text[row] as string;
    if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
    raws.push(raw);
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const c = raw.charCodeAt(indent);
    if (Number.isNaN(c)) continue;
    if (c === 9 || ODD_BREAKS.test(raw)) return UNSUPPORTED;
    if (c === 35 /* # */) continue;
    let end = raw.length;
    while (end > indent && raw.charCodeAt(end - 1) === 32) end--;
    if (raw.charCodeAt(end - 1) === 9) return UNSUPPORTED;
    lines.push({ indent, text: raw.slice(indent, end), row });
  }
  if (lines.length === 0 || (lines[0] as Line).text.charCodeAt(0) === 0xfeff) return UNSUPPORTED;
  if (lines.some((l) => l.text === '---' || l.text === '...' || l.text.startsWith('--- '))) return UNSUPPORTED;
  try {
    return new Parser(lines, raws).document();
  } catch (err) {
    if (err instanceof Unsupported) return UNSUPPORTED;
    throw err;
  }
}
