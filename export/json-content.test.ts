import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../common/terminal-safe.ts';
import { jsonContent } from './json-content.ts';

describe('jsonContent', () => {
  it.each([
    ['plain text, as it is', 'Pod.Started web-1', 'Pod.Started web-1'],
    ['quotes and backslashes escaped', 'say "hi" \\ back', 'say \\"hi\\" \\\\ back'],
    ['a newline as JSON spells it', 'a\nb', 'a\\nb'],
    ['ESC and a bidi override made visible', '\u001b[31m\u202e', '\\u001b[31m\\u202e'],
    ['text beyond ASCII kept', 'ok 🚀 café', 'ok 🚀 café'],
    ['a lone surrogate escaped', 'x\ud800y', 'x\\ud800y'],
  ])('%s', (_name, s, content) => {
    expect(jsonContent(s)).toBe(content);
  });

  it('is the JSON literal without its quotes, terminal-safe, for any string', () => {
    const unit = fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', '\u009b', '\u061c', '\u200e', '\u202e', '\u2066', '\ud800'),
      fc.string({ unit: 'binary', maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (parts) => {
        const s = parts.join('');
        expect(`"${jsonContent(s)}"`).toBe(terminalSafe(JSON.stringify(s)));
        expect(JSON.parse(`"${jsonContent(s)}"`)).toBe(JSON.parse(JSON.stringify(s)));
      }),
      { numRuns: 1000 },
    );
  });
});
