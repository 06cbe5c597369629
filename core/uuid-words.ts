/** The 32-bit words a key held as a UUID takes: its 128 bits, then the number after its `:` (or NO_SUFFIX). */
export const UUID_WORDS = 5;

/** The suffix word of a bare UUID (no `:N`): not a number `uuidWordsOf` takes (at most 4,294,967,294). */
const NO_SUFFIX = 0xffffffff;

/**
 * A key that is a UUID in its canonical lower-case form (`8-4-4-4-12` hex digits, as the API server writes uids),
 * optionally followed by `:` and a non-negative integer in its plain decimal form (a root's `uid:generation`), as
 * UUID_WORDS unsigned words written into `out` from `at`; false (and nothing meaningful written) for any other key.
 * `keyOfUuidWords` gives the same text back: 20 bytes, where the string is 56 or 64.
 */
export function uuidWordsOf(key: string, out: Uint32Array, at: number): boolean {
  const n = key.length;
  if (n < 36 || n === 37 || n > 47) return false;
  if (key.charCodeAt(8) !== 45 || key.charCodeAt(13) !== 45 || key.charCodeAt(18) !== 45 || key.charCodeAt(23) !== 45)
    return false;
  const w0 = hexAt(key, 0, 8);
  const g1 = hexAt(key, 9, 4);
  const g2 = hexAt(key, 14, 4);
  const g3 = hexAt(key, 19, 4);
  const g4 = hexAt(key, 24, 4);
  const w3 = hexAt(key, 28, 8);
  if (w0 < 0 || g1 < 0 || g2 < 0 || g3 < 0 || g4 < 0 || w3 < 0) return false;
  let suffix = NO_SUFFIX;
  if (n > 36) {
    if (key.charCodeAt(36) !== 58 || (key.charCodeAt(37) === 48 && n > 38)) return false;
    suffix = 0;
    for (let i = 37; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      suffix = suffix * 10 + (c - 48);
    }
    if (suffix >= NO_SUFFIX) return false;
  }
  out[at] = w0;
  out[at + 1] = g1 * 0x10000 + g2;
  out[at + 2] = g3 * 0x10000 + g4;
  out[at + 3] = w3;
  out[at + 4] = suffix;
  return true;
}

/** The key whose words `uuidWordsOf` wrote: the same text. */
export function keyOfUuidWords(from: Uint32Array, at: number): string {
  const w1 = from[at + 1] as number;
  const w2 = from[at + 2] as number;
  const suffix = from[at + 4] as number;
  const uuid = [
    hex(from[at] as number, 8),
    hex(w1 >>> 16, 4),
    hex(w1 & 0xffff, 4),
    hex(w2 >>> 16, 4),
    hex(w2 & 0xffff, 4) + hex(from[at + 3] as number, 8),
  ].join('-');
  return suffix === NO_SUFFIX ? uuid : [uuid, suffix].join(':');
}

/** Whether the UUID_WORDS words of `a` from `at` are those of `b` from `atB`. */
export function sameUuidWords(a: Uint32Array, at: number, b: Uint32Array, atB: number): boolean {
  return (
    a[at] === b[atB] &&
    a[at + 1] === b[atB + 1] &&
    a[at + 2] === b[atB + 2] &&
    a[at + 3] === b[atB + 3] &&
    a[at + 4] === b[atB + 4]
  );
}

/** The value of `digits` lower-case hex digits of `key` from `at`, or -1 when one of them is not such a digit. */
function hexAt(key: string, at: number, digits: number): number {
  let w = 0;
  for (let i = at; i < at + digits; i++) {
    const c = key.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    w = w * 16 + d;
  }
  return w;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
