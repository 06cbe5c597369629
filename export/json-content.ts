import { terminalSafe } from '../common/terminal-safe.ts';

/**
 * What JSON.stringify would escape (quotes, backslashes, controls, surrogates that may be lone), and what a
 * terminal would act on (DEL, C1 controls, bidirectional overrides: see common/terminal-safe.ts).
 */
const NEEDS_ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

/** Anything but printable ASCII other than `"` and `\`: a string without any (nearly every value) is its own content. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * A string's JSON content: its JSON.stringify literal without the quotes, and safe to print as it is (a control or
 * bidi character becomes its \uXXXX escape, which JSON reads the same). The string itself when nothing needs
 * escaping, found with one test of the cheapest pattern.
 */
export function jsonContent(s: string): string {
  // Small enough to be inlined where it is called (once per value); the rare rest out of line.
  return NOT_PLAIN.test(s) ? escaped(s) : s;
}

function escaped(s: string): string {
  return NEEDS_ESCAPE.test(s) ? terminalSafe(JSON.stringify(s)).slice(1, -1) : s;
}
