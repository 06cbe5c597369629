/**
 * Characters a terminal would act on instead of showing: C0 controls (ESC starts CSI/OSC sequences, CR
 * rewrites the line), DEL, C1 controls (U+009B is a one-byte CSI), and the bidirectional overrides and
 * isolates that reorder what is shown (CVE-2021-42574, "Trojan Source").
 */
const CLASS = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${CLASS}\\u000a]`, 'g');
const UNSAFE_KEEPING_NEWLINES = new RegExp(`[${CLASS}]`, 'g');

function escape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text that is safe to print: every such character becomes a visible `\uXXXX` (the JSON spelling, so JSON
 * output stays valid and means the same). One line unless `multiline`, which keeps `\n`.
 */
export function terminalSafe(text: string, multiline = false): string {
  return text.replace(multiline ? UNSAFE_KEEPING_NEWLINES : UNSAFE, escape);
}
