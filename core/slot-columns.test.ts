import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotColumns } from './slot-columns.ts';

describe('SlotColumns', () => {
  it('keeps each slot’s numbers apart, reuses released slots and grows', () => {
    const c = new SlotColumns(2, 1);
    const slots = Array.from({ length: 100 }, (_, i) => {
      const s = c.alloc();
      c.set(s, 0, i);
      c.set(s, 1, 1.7e15 + i);
      return s;
    });
    expect(new Set(slots).size).toBe(100);
    c.release(slots[3] as number);
    expect(c.size).toBe(99);
    expect(c.alloc()).toBe(slots[3]);
    for (let i = 0; i < 100; i++) {
      if (i === 3) continue;
      expect([c.get(slots[i] as number, 0), c.get(slots[i] as number, 1)]).toEqual([i, 1.7e15 + i]);
    }
  });

  it('keeps every slot’s numbers through the one-step growth to its full size and the doubling past it', () => {
    // 2 columns of 8 bytes: past 64 KiB at 4,096 slots, then 5,000 slots in one step, then 10,000.
    const c = new SlotColumns(2, 1, 5_000);
    const slots = Array.from({ length: 9_000 }, (_, i) => {
      const s = c.alloc();
      c.set(s, 0, i);
      c.set(s, 1, -i);
      return s;
    });
    expect(slots).toEqual(Array.from({ length: 9_000 }, (_, i) => i));
    for (const s of slots) expect([c.get(s, 0), c.get(s, 1)]).toEqual([s, -s]);
  });

  it('holds what a Map of the same numbers holds', () => {
    const op = fc.oneof(
      fc.record({ alloc: fc.constant(true), v: fc.tuple(fc.double(), fc.double(), fc.double()) }),
      fc.record({ alloc: fc.constant(false), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const c = new SlotColumns(3, 2);
        const model = new Map<number, readonly number[]>();
        for (const o of ops) {
          if ('v' in o) {
            const s = c.alloc();
            expect(model.has(s)).toBe(false);
            o.v.forEach((x, col) => c.set(s, col, x));
            model.set(s, o.v);
          } else if (model.size > 0) {
            const s = [...model.keys()][o.pick % model.size] as number;
            c.release(s);
            model.delete(s);
          }
        }
        expect(c.size).toBe(model.size);
        for (const [s, v] of model) expect([0, 1, 2].map((col) => c.get(s, col))).toEqual(v);
      }),
    );
  });
});
