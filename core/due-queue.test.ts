import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue.ts';
import { ReorderBuffer } from './reorder-buffer.ts';

type Op = { readonly push: number; readonly token: number } | { readonly pop: true } | { readonly keepOdd: true };

const ops = fc.array(
  fc.oneof(
    // Few distinct times: ties are the case that must come out as ReorderBuffer gives them.
    {
      weight: 5,
      arbitrary: fc.record({ push: fc.integer({ min: 0, max: 6 }), token: fc.integer({ min: 0, max: 3 }) }),
    },
    { weight: 3, arbitrary: fc.constant({ pop: true as const }) },
    { weight: 1, arbitrary: fc.constant({ keepOdd: true as const }) },
  ),
  { maxLength: 400 },
);

describe('DueQueue', () => {
  it('pops the same entries in the same order as ReorderBuffer by time, ties and retain included', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const queue = new DueQueue<number>();
        const buffer = new ReorderBuffer<{ atUs: number; item: number; token: number }>((a, b) => a.atUs - b.atUs);
        const fromQueue: string[] = [];
        const fromBuffer: string[] = [];
        let next = 0;
        for (const op of list) {
          if ('push' in op) {
            queue.push(op.push, next, op.token);
            buffer.push({ atUs: op.push, item: next, token: op.token });
            next++;
          } else if ('pop' in op) {
            if (queue.size > 0) fromQueue.push(`${queue.headUs}/${queue.headItem}/${queue.headToken}`);
            queue.pop();
            const e = buffer.pop();
            if (e !== undefined) fromBuffer.push(`${e.atUs}/${e.item}/${e.token}`);
          } else {
            queue.retain((item) => item % 2 === 1);
            buffer.retain((e) => e.item % 2 === 1);
          }
          expect(queue.size).toBe(buffer.size);
        }
        while (queue.size > 0) {
          fromQueue.push(`${queue.headUs}/${queue.headItem}/${queue.headToken}`);
          queue.pop();
        }
        for (let e = buffer.pop(); e !== undefined; e = buffer.pop()) fromBuffer.push(`${e.atUs}/${e.item}/${e.token}`);
        expect(fromQueue).toEqual(fromBuffer);
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its columns and keeps every entry', () => {
    const queue = new DueQueue<number>(1000);
    for (let i = 0; i < 20_000; i++) queue.push((i * 7919) % 20_000, i, i & 0xffff);
    const times: number[] = [];
    while (queue.size > 0) {
      times.push(queue.headUs);
      expect(queue.headToken).toBe((queue.headItem as number) & 0xffff);
      queue.pop();
    }
    expect(times).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(queue.headUs).toBe(Number.POSITIVE_INFINITY);
    expect(queue.headItem).toBeUndefined();
  });

  it('lets go of every entry on clear', () => {
    const queue = new DueQueue<string>();
    queue.push(1, 'a', 0);
    queue.push(0, 'b', 0);
    queue.clear();
    expect(queue.size).toBe(0);
    queue.push(5, 'c', 2);
    expect([queue.headUs, queue.headItem, queue.headToken]).toEqual([5, 'c', 2]);
  });
});
