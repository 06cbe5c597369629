import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal-safe.ts';

describe('terminalSafe', () => {
  it.each([
    ['ESC (CSI colour)', 'a\u001b[31mred', 'a\\u001b[31mred'],
    ['OSC 8 hyperlink', '\u001b]8;;http://x\u0007link', '\\u001b]8;;http://x\\u0007link'],
    ['C1 CSI', 'x\u009b2Jy', 'x\\u009b2Jy'],
    ['carriage return', 'ok\rFAIL', 'ok\\u000dFAIL'],
    ['newline in a one-line field', 'a\nb', 'a\\u000ab'],
    ['bidi override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['bidi isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['DEL', 'a\u007f', 'a\\u007f'],
    ['plain text, tabs and non-ASCII letters', 'Pod\tcafé ×2 └─ 日本', 'Pod\tcafé ×2 └─ 日本'],
  ])('%s', (_name, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it('keeps newlines when multiline', () => {
    expect(terminalSafe('a\u001b\nb', true)).toBe('a\\u001b\nb');
  });

  it('never leaves a control or reordering character, and JSON output still parses to the same value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const safe = terminalSafe(s);
        // eslint-disable-next-line no-control-regex -- the property looks for exactly these characters
        expect(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(safe)).toBe(false);
        expect(JSON.parse(terminalSafe(JSON.stringify(s), true))).toBe(s);
      }),
    );
  });
});
