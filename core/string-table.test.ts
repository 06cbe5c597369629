import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringTable } from './string-table.ts';

describe('StringTable', () => {
  it('answers as a Map does, through any sets, replacements and deletes', () => {
    const key = fc.integer({ min: 0, max: 100 }).map((i) => `Pod/flood-${i % 7}/app-${i}`);
    const op = fc.tuple(fc.constantFrom('set', 'delete', 'clear'), key, fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new StringTable<{ v: number }>();
        const ref = new Map<string, { v: number }>();
        for (const [what, k, v] of ops) {
          if (what === 'set') {
            const value = { v };
            table.set(k, value);
            ref.set(k, value);
          } else if (what === 'delete') expect(table.delete(k)).toBe(ref.delete(k));
          else if (v % 20 === 0) {
            table.clear();
            ref.clear();
          }
          expect(table.size).toBe(ref.size);
          expect(table.get(k)).toBe(ref.get(k));
        }
        for (let i = 0; i <= 100; i++) {
          const k = `Pod/flood-${i % 7}/app-${i}`;
          expect(table.get(k)).toBe(ref.get(k));
        }
      }),
      { numRuns: 300 },
    );
  });
});
