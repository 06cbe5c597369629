/**
 * Deterministic OpenTelemetry IDs: hashes of stable Kubernetes identities, never random.
 * MurmurHash3's 32-bit mixing over the UTF-16 code units of the parts joined by U+0000, with an independent
 * seed per 32-bit word: fast enough for the hot path (a crypto hash was a fifth of replay time) and well
 * spread for IDs.
 */
function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Character codes of the lower-case hex digits. */
const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function digit(h: number, shift: number): number {
  return DIGITS[(h >>> shift) & 15] as number;
}

/**
 * Two 32-bit words as 16 hex digits, in one call of fromCharCode with its arguments written out: a flat string (a
 * concatenation makes a rope, held twice as a key), and about a quarter of the time `apply` over an array took.
 */
function hex16(a: number, b: number): string {
  return String.fromCharCode(
    digit(a, 28),
    digit(a, 24),
    digit(a, 20),
    digit(a, 16),
    digit(a, 12),
    digit(a, 8),
    digit(a, 4),
    digit(a, 0),
    digit(b, 28),
    digit(b, 24),
    digit(b, 20),
    digit(b, 16),
    digit(b, 12),
    digit(b, 8),
    digit(b, 4),
    digit(b, 0),
  );
}

/**
 * The four running hash words and the length hashed so far. Module state rather than a joined string or a
 * state object: an ID is made per span, and hashing the parts where they are saves building their join
 * (an array and a string per ID, about 3% of the core's time). Only `hex` touches it, start to finish.
 */
let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;
let length = 0;
/** Four words (a trace ID) or two (a span ID, the most made: the other two are not computed). */
let wide = false;

function mix(code: number): void {
  let k = Math.imul(code, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h1 ^= k;
  h1 = (h1 << 13) | (h1 >>> 19);
  h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  h2 ^= k;
  h2 = (h2 << 13) | (h2 >>> 19);
  h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  if (!wide) return;
  h3 ^= k;
  h3 = (h3 << 13) | (h3 >>> 19);
  h3 = (Math.imul(h3, 5) + 0xe6546b64) | 0;
  h4 ^= k;
  h4 = (h4 << 13) | (h4 >>> 19);
  h4 = (Math.imul(h4, 5) + 0xe6546b64) | 0;
}

function mixText(text: string): void {
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  length += text.length;
}

/** `words` 32-bit hashes of `prefix` and the parts joined by U+0000 (as `[prefix, ...parts].join('\u0000')`). */
function hex(prefix: string, parts: readonly (string | number)[], words: 2 | 4): string {
  h1 = 0x9e3779b1 | 0;
  h2 = 0x85ebca77 | 0;
  h3 = 0xc2b2ae3d | 0;
  h4 = 0x27d4eb2f | 0;
  length = 0;
  wide = words === 4;
  mixText(prefix);
  for (const part of parts) {
    mix(0);
    length += 1;
    mixText(typeof part === 'string' ? part : String(part));
  }
  const a = fmix(h1, length);
  const b = fmix(h2, length);
  // An all-zero ID is invalid in OpenTelemetry; astronomically unlikely, but keep it impossible.
  if (words === 2) return hex16(a, (a | b) === 0 ? 1 : b);
  const c = fmix(h3, length);
  const d = fmix(h4, length);
  // Two flat halves joined: a trace ID is made once per trace, not per span.
  return [hex16(a, b), hex16(c, (a | b | c | d) === 0 ? 1 : d)].join('');
}

/** A 32-hex-digit trace ID from its parts. */
export function traceIdOf(...parts: readonly (string | number)[]): string {
  return hex('trace', parts, 4);
}

/** A 16-hex-digit span ID from its parts. */
export function spanIdOf(...parts: readonly (string | number)[]): string {
  return hex('span', parts, 2);
}

/**
 * The 32-bit word of 8 lower-case hex digits of `id` from `at` (as `hex` writes them), or -1 when one of them is
 * not such a digit (the word itself is then kept as an unsigned number, never -1).
 */
function wordAt(id: string, at: number): number {
  let w = 0;
  for (let i = at; i < at + 8; i++) {
    const c = id.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    w = w * 16 + d;
  }
  return w;
}

/**
 * An ID of 16 or 32 lower-case hex digits as its 32-bit words (unsigned), written into `out` from `at`; false (and
 * nothing meaningful written) when `id` is not one (an annotation's ID may be any text). `idOfWords` gives it back.
 */
export function wordsOfId(id: string, words: 2 | 4, out: Uint32Array, at: number): boolean {
  if (id.length !== words * 8) return false;
  for (let k = 0; k < words; k++) {
    const w = wordAt(id, k * 8);
    if (w < 0) return false;
    out[at + k] = w;
  }
  return true;
}

/** The ID whose words `wordsOfId` wrote: the same text. */
export function idOfWords(words: 2 | 4, from: Uint32Array, at: number): string {
  const half = hex16(from[at] as number, from[at + 1] as number);
  return words === 2 ? half : [half, hex16(from[at + 2] as number, from[at + 3] as number)].join('');
}
