import { bail, closingQuote, ownCopy, plain, quoted, quotedText, scalar, Unsupported } from './yaml-scalar.ts';

/** Returned when a document uses YAML beyond the machine-written subset: the caller parses it in full. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported YAML');

/** Characters some YAML parsers treat as line breaks or strip: left to the full parser. */
export const ODD_BREAKS = /[\u0085\u2028\u2029\ufeff]/;

/**
 * A literal block scalar's header after its `|`: an indentation indicator (1–9) and a chomping one (`-`, `+`), in
 * either order, each optional. EMPTY_HEADER: a bare `|`'s.
 */
const BLOCK_HEADER = /^(?:([1-9])([-+]?)|([-+]?)([1-9]?))$/;
const EMPTY_HEADER = BLOCK_HEADER.exec('') as RegExpExecArray;

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

/** Whether `s[from, to)` (spaces trimmed) is a document marker (`---`, `--- …`, `...`). */
function isMarker(s: string, from: number, to: number): boolean {
  const c = s.charCodeAt(from);
  if (c === 46) return to - from === 3 && s.startsWith('...', from);
  return c === 45 && s.startsWith('---', from) && (to - from === 3 || s.charCodeAt(from + 3) === 32);
}

/** What parseMachineYaml may be told by its caller. */
export interface MachineYamlOptions {
  /** False when the caller knows the text holds none of ODD_BREAKS (it tested the whole read batch at once). */
  readonly oddBreaks?: boolean;
}

/**
 * Reads the lines of `s[from, to)` in place, by offsets: the line in hand has its content at `s[col, end)`
 * (indentation, trailing spaces and `\r` off) and ends at the newline `nl`; `ind` is its indentation, -1 past
 * the last line.
 */
class Parser {
  private readonly s: string;
  private readonly to: number;
  private readonly oddBreaks: boolean;
  private nl: number;
  private ls = 0;
  private col = 0;
  private end = 0;
  private ind = -1;
  /** Values by anchor name, for the aliases after them (the same object, as the `yaml` package gives). */
  private readonly anchors = new Map<string, unknown>();
  private aliases = 0;

  constructor(s: string, from: number, to: number, options: MachineYamlOptions) {
    this.s = s;
    this.to = to;
    this.oddBreaks = options.oddBreaks ?? true;
    this.nl = from - 1;
    this.next();
  }

  /**
   * The checks every line gets (content of literal blocks too): no tab before its content, none of
   * ODD_BREAKS, and unless it is a comment no tab after it and no document marker. Gives the content's
   * end, or -1 for a comment.
   */
  private checked(ls: number, col: number, end: number, nl: number): number {
    const s = this.s;
    const c = s.charCodeAt(col);
    if (c === 9 || (this.oddBreaks && ODD_BREAKS.test(s.slice(ls, nl)))) bail();
    if (c === 35 /* # */) return -1;
    let e = end;
    while (s.charCodeAt(e - 1) === 32) e--;
    if (s.charCodeAt(e - 1) === 9) bail();
    if ((c === 45 || c === 46) && isMarker(s, col, e)) bail();
    return e;
  }

  /** The end of the line starting at `ls` (its newline, or `to`). */
  private lineEnd(ls: number): number {
    const nl = this.s.indexOf('\n', ls);
    return nl < 0 || nl > this.to ? this.to : nl;
  }

  /** Moves to the next line with content (neither blank nor a comment) after the newline at `nl`. */
  private next(): void {
    const s = this.s;
    for (let ls = this.nl + 1; ls <= this.to;) {
      const nl = this.lineEnd(ls);
      let end = nl;
      if (s.charCodeAt(end - 1) === 13 && end > ls) end--;
      let col = ls;
      while (col < end && s.charCodeAt(col) === 32) col++;
      if (col < end) {
        end = this.checked(ls, col, end, nl);
        if (end >= 0) {
          this.ls = ls;
          this.col = col;
          this.end = end;
          this.nl = nl;
          this.ind = col - ls;
          return;
        }
      }
      ls = nl + 1;
    }
    this.nl = this.to;
    this.ind = -1;
  }

  document(): unknown {
    if (this.ind < 0) bail();
    const value = this.block();
    if (this.ind >= 0) bail();
    return value;
  }

  private isDash(at: number): boolean {
    return this.s.charCodeAt(at) === 45 && (at + 1 === this.end || this.s.charCodeAt(at + 1) === 32);
  }

  private block(): unknown {
    return this.isDash(this.col) ? this.sequence(this.ind) : this.mapping(this.ind);
  }

  /** Whether `s[at, end)` of the line in hand starts with a mapping key (`key:` or `key: …`). */
  private looksLikeMapping(at: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(at);
    if (c === 34 || c === 39) {
      // Only where the quote closes matters here: its text is the mapping's to read (or refuse), not this test's.
      const q = closingQuote(s, at + 1, this.end, c === 34);
      return q >= 0 && s.charCodeAt(q + 1) === 58;
    }
    const sep = s.indexOf(': ', at);
    return (sep >= 0 && sep < this.end) || s.charCodeAt(this.end - 1) === 58;
  }

  /**
   * The value at `s[at, end)` of the line in hand (a scalar, an alias, or a `|`/`|-` literal block on the next
   * lines); moves past it.
   */
  private inline(at: number, indent: number, inSequence = false): unknown {
    const s = this.s;
    const length = this.end - at;
    const c = s.charCodeAt(at);
    if (c === 124 /* | */) {
      const header = length === 1 ? EMPTY_HEADER : BLOCK_HEADER.exec(s.slice(at + 1, this.end));
      if (header !== null) {
        const digit = header[1] ?? header[4] ?? '';
        // An indentation indicator in a sequence's item: the full parser (its parent's indentation is subtler).
        if (digit !== '' && inSequence) bail();
        return this.literal(indent, header[2] ?? header[3] ?? '', digit === '' ? 0 : Number(digit));
      }
    }
    if (c === 42 /* * */) {
      const value = this.alias(s.slice(at + 1, this.end));
      this.next();
      return value;
    }
    if (c === 34 || c === 39) {
      const q = closingQuote(s, at + 1, this.end, c === 34);
      if (q < 0) return this.quotedLines(at, indent);
      if (q + 1 !== this.end) bail(); // a comment or junk after the closing quote
      const value = ownCopy(quotedText(s.slice(at + 1, q), c === 34));
      // A more-indented line after it is its caller's to refuse.
      this.next();
      return value;
    }
    const end = this.end;
    let nl = this.nl;
    this.next();
    if (this.ind <= indent) return scalar(s.slice(at, end));
    // A plain scalar continued on the lines after (Go's yaml folds a long one at a space past column 80): its
    // lines joined by spaces, resolved as one (plain() bails on what a continued line must not hold: `: `, ` #`).
    // A blank or comment line among them (their count of newlines, or the end): the full parser.
    const lines = [s.slice(at, end)];
    while (this.ind > indent) {
      if (this.ls !== nl + 1 || continuesOddly(s, this.col, this.end)) bail();
      lines.push(s.slice(this.col, this.end));
      nl = this.nl;
      this.next();
    }
    const value = plain(lines.join(' '));
    if (typeof value !== 'string') bail();
    return value;
  }

  /**
   * A quoted scalar that goes on past the line in hand (Go's yaml folds a long one at a space past column 80),
   * folded as YAML folds a flow scalar: a line break between two lines is a space, each blank line between them
   * a newline instead, the spaces around a break are dropped, and in a double-quoted one a `\` ending a line
   * joins it to the next with nothing. Its lines must be indented past `indent` (its key's or its dash's); it must
   * end its last line. Moves past it.
   */
  private quotedLines(at: number, indent: number): string {
    const s = this.s;
    const double = s.charCodeAt(at) === 34;
    // A `\` before the spaces dropped at a line's end escapes the first of them (`\ `, a space kept).
    const first = s.slice(at + 1, this.end);
    const parts = [double && s.charCodeAt(this.end) === 32 && endsInEscape(first) ? `${first} ` : first];
    let blanks = 0;
    for (let ls = this.nl + 1; ls <= this.to;) {
      const nl = this.lineEnd(ls);
      let end = nl;
      if (s.charCodeAt(end - 1) === 13 && end > ls) end--;
      let col = ls;
      while (col < end && s.charCodeAt(col) === 32) col++;
      const ind = col - ls;
      ls = nl + 1;
      if (col === end) {
        blanks++;
        continue;
      }
      const c = s.charCodeAt(col);
      if (ind <= indent || c === 9 || (this.oddBreaks && ODD_BREAKS.test(s.slice(col, nl)))) bail();
      let e = end;
      while (s.charCodeAt(e - 1) === 32) e--;
      if (s.charCodeAt(e - 1) === 9) bail();
      const previous = parts[parts.length - 1] as string;
      if (double && endsInEscape(previous)) {
        if (blanks > 0) bail();
        parts[parts.length - 1] = previous.slice(0, -1);
      } else parts.push(blanks === 0 ? ' ' : '\n'.repeat(blanks));
      blanks = 0;
      const q = closingQuote(s, col, e, double);
      if (q < 0) {
        parts.push(s.slice(col, double && e < end && endsInEscape(s.slice(col, e)) ? e + 1 : e));
        continue;
      }
      if (q + 1 !== e) bail(); // more after the closing quote
      parts.push(s.slice(col, q));
      this.nl = nl;
      this.next();
      return quotedText(parts.join(''), double);
    }
    return bail();
  }

  /**
   * `*name`: the value anchored earlier as `&name`. Past 100 aliases the document goes to the full parser,
   * whose alias limit refuses a "billion laughs" document before anything walks it.
   */
  private alias(name: string): unknown {
    if (!ANCHOR_NAME.test(name) || !this.anchors.has(name) || ++this.aliases > 100) bail();
    return this.anchors.get(name);
  }

  /**
   * A literal block scalar on the lines after the one in hand: `|` keeps one final newline, `|-` none, `|+` all
   * (`chomp`). Its indentation is that of its first non-empty line, or its parent's plus `explicit` (`|2`: Go
   * writes one when the text starts with a space). Blank and `#` lines inside it are content.
   */
  private literal(parentIndent: number, chomp: string, explicit: number): string {
    const s = this.s;
    const content: string[] = [];
    let blockIndent = explicit > 0 ? parentIndent + explicit : -1;
    let ended = false;
    let ls = this.nl + 1;
    for (; ls <= this.to;) {
      const nl = this.lineEnd(ls);
      let end = nl;
      if (s.charCodeAt(end - 1) === 13 && end > ls) end--;
      let col = ls;
      while (col < end && s.charCodeAt(col) === 32) col++;
      const ind = col - ls;
      if (col === end) {
        if (blockIndent < 0 && ind > 0) bail(); // leading blank lines with spaces: the indentation is unclear
        content.push(ind > blockIndent && blockIndent >= 0 ? s.slice(ls + blockIndent, end) : '');
        ls = nl + 1;
        continue;
      }
      this.checked(ls, col, end, nl);
      if (blockIndent < 0) {
        if (ind <= parentIndent) {
          ended = true;
          break;
        }
        blockIndent = ind;
      }
      if (ind < blockIndent) {
        ended = true;
        break;
      }
      content.push(s.slice(ls + blockIndent, end));
      ls = nl + 1;
    }
    // Kept trailing lines at the document's end: how many there are depends on where the reader ends it.
    if (chomp === '+' && !ended) bail();
    if (chomp !== '+') while (content.length > 0 && content[content.length - 1] === '') content.pop();
    this.nl = ls - 1;
    this.next();
    return content.length === 0 ? '' : ownCopy(chomp === '-' ? content.join('\n') : `${content.join('\n')}\n`);
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    // Ends at the first line that is not an item here: a key after a sequence at its key's indentation.
    while (this.ind === indent && this.isDash(this.col)) {
      const s = this.s;
      const end = this.end;
      let at = this.col + 1;
      while (at < end && s.charCodeAt(at) === 32) at++;
      let anchor: string | undefined;
      if (s.charCodeAt(at) === 38 /* & */) {
        const [name, rest] = anchored(s.slice(at, end));
        anchor = name;
        at = end - rest.length;
        // "- &a key: value" and an anchored alias: left to the full parser
        if (at < end && (this.looksLikeMapping(at) || s.charCodeAt(at) === 42)) bail();
      }
      if (at === end) {
        this.next();
        out.push(this.ind > indent ? this.block() : null);
      } else if (this.isDash(at)) {
        bail(); // a sequence inside a sequence on one line
      } else if (this.looksLikeMapping(at)) {
        // "- key: value": a mapping whose keys line up with this one's column.
        this.col = at;
        this.ind = at - this.ls;
        out.push(this.mapping(this.ind));
      } else {
        out.push(this.inline(at, indent, true));
      }
      if (anchor !== undefined) this.anchors.set(anchor, out[out.length - 1]);
      if (this.ind > indent) bail();
    }
    return out;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.ind === indent) {
      const s = this.s;
      const col = this.col;
      const end = this.end;
      const c = s.charCodeAt(col);
      let key: string;
      let colon: number;
      if (c === 34 || c === 39) {
        const [k, after] = quoted(s.slice(col, end));
        colon = col + after;
        if (s.charCodeAt(colon) !== 58) bail();
        key = checkedKey(k);
      } else {
        if (this.isDash(col)) bail();
        colon = s.indexOf(': ', col);
        if (colon < 0 || colon >= end) colon = s.charCodeAt(end - 1) === 58 ? end - 1 : bail();
        key = heldKey(s, col, colon) ?? plainKey(s.slice(col, colon));
      }
      let at = colon + 1;
      if (at < end && s.charCodeAt(at) !== 32) bail();
      while (at < end && s.charCodeAt(at) === 32) at++;
      // A duplicate key: the full parser reports it. (A value is never undefined, so a miss skips hasOwn.)
      if (out[key] !== undefined && Object.hasOwn(out, key)) bail();
      let anchor: string | undefined;
      if (s.charCodeAt(at) === 38 /* & */ && at < end) {
        const [name, rest] = anchored(s.slice(at, end));
        anchor = name;
        at = end - rest.length;
        if (s.charCodeAt(at) === 42 && at < end) bail(); // an anchored alias
      }
      let value: unknown;
      if (at < end) {
        value = this.inline(at, indent);
        if (this.ind > indent) bail(); // a scalar continued on the next lines
      } else {
        this.next();
        // A sequence may sit at its key's own indentation (Go's yaml writes it so).
        value =
          this.ind > indent
            ? this.block()
            : this.ind === indent && this.isDash(this.col)
              ? this.sequence(indent)
              : null;
      }
      if (anchor !== undefined) this.anchors.set(anchor, value);
      out[key] = value;
    }
    return out;
  }
}

/**
 * Whether the continued line of a plain scalar at `s[col, end)` starts with what some YAML parsers read otherwise
 * (`:`, or `-`/`?` followed by a space: an indicator); `#` never gets here, it is a comment line.
 */
function continuesOddly(s: string, col: number, end: number): boolean {
  const c = s.charCodeAt(col);
  if (c === 58) return true;
  return (c === 45 || c === 63) && (col + 1 === end || s.charCodeAt(col + 1) === 32);
}

/** Whether `text` ends in a backslash that escapes what follows (an odd number of them). */
function endsInEscape(text: string): boolean {
  let n = 0;
  for (let i = text.length - 1; i >= 0 && text.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 1;
}

/**
 * The plain keys met so far, each as its own string, found by the text's characters in place (no string cut for
 * a key met before): the few hundred keys Kubernetes objects use come back in every document. A key cut from the
 * line was a new string each time, which V8 looked up in its table of all property names (at the duplicate-key
 * check: 15.8 % of reading a Go-written capture). An open-addressing table of KEY_PLACES places, at most half
 * full (a lookup always reaches an empty place): odd keys past that are not held.
 */
const KEY_PLACES = 4096;
const keyHashes = new Int32Array(KEY_PLACES);
const heldKeys: (string | undefined)[] = new Array<string | undefined>(KEY_PLACES).fill(undefined);
let keysHeld = 0;

function keyHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 1;
}

/** The held key whose text is `s[from, to)`, if any. */
function heldKey(s: string, from: number, to: number): string | undefined {
  const h = keyHash(s, from, to);
  const n = to - from;
  for (let i = h & (KEY_PLACES - 1); ; i = (i + 1) & (KEY_PLACES - 1)) {
    const at = keyHashes[i] as number;
    if (at === 0) return undefined;
    if (at !== h) continue;
    const key = heldKeys[i] as string;
    if (key.length === n && s.startsWith(key, from)) return key;
  }
}

/** A plain key met for the first time: parsed, checked, and held as a copy of its own. */
function plainKey(text: string): string {
  const key = ownCopy(checkedKey(plain(text)));
  if (keysHeld < KEY_PLACES / 2) {
    const h = keyHash(key, 0, key.length);
    let i = h & (KEY_PLACES - 1);
    while ((keyHashes[i] as number) !== 0) i = (i + 1) & (KEY_PLACES - 1);
    keyHashes[i] = h;
    heldKeys[i] = key;
    keysHeld++;
  }
  return key;
}

/** A parsed plain or quoted key, if the fast path takes it: a string, neither `__proto__` nor a merge key. */
function checkedKey(key: unknown): string {
  if (typeof key !== 'string' || key === '__proto__' || key === '<<') bail();
  return key as string;
}

/**
 * Parses one YAML document as machines write it (Kubernetes objects through Go's yaml or the `yaml` package):
 * block mappings and sequences, plain and quoted scalars (a long one folded onto more lines, as Go's yaml writes
 * it past column 80), `|` literal blocks (`|-`, `|+`, `|2`: their chomping and indentation indicators), `{}` and
 * `[]`, anchors and aliases. Gives the same value as the `yaml` package's parse() (machine-yaml.test.ts compares the
 * two), or UNSUPPORTED for anything else (folded `>` blocks, a `|+` block ending the document, flow collections,
 * merge keys, tags, floats, odd keys, duplicate keys, a tab or U+2028 in a scalar), which the caller hands to the
 * full parser.
 * The document is `text[from, to)`, lines split at `\n` (`to` at a line's end): read in place, never split.
 */
export function parseMachineYaml(text: string, from = 0, to = text.length, options: MachineYamlOptions = {}): unknown {
  try {
    return new Parser(text, from, to, options).document();
  } catch (err) {
    if (err instanceof Unsupported) return UNSUPPORTED;
    throw err;
  }
}
