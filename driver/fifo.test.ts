import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  it('behaves like an array used as a queue, across compactions', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant<'shift'>('shift')), { maxLength: 5000 }), (ops) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'shift') expect(fifo.shift()).toBe(model.shift());
          else {
            fifo.push(op);
            model.push(op);
          }
          expect(fifo.length).toBe(model.length);
          expect(fifo.at(0)).toBe(model[0]);
          expect(fifo.at(model.length - 1)).toBe(model.at(-1));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('compacts: after 100k pushes and 99k shifts its array holds about what is left', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 100_000; i++) fifo.push(i);
    for (let i = 0; i < 99_000; i++) expect(fifo.shift()).toBe(i);
    expect(fifo.length).toBe(1000);
    expect((fifo as unknown as { items: number[] }).items.length).toBeLessThan(100_000 / 2);
  });
});
