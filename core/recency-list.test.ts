import { describe, expect, it } from 'vitest';
import { RecencyList, type RecencyLinks } from './recency-list.ts';

interface Rec extends RecencyLinks<Rec> {
  readonly id: string;
}

function order(list: RecencyList<Rec>): string[] {
  const out: string[] = [];
  for (let r = list.oldest; r !== undefined; r = r.newer) out.push(r.id);
  const back: string[] = [];
  for (let r = list.newest; r !== undefined; r = r.older) back.push(r.id);
  expect(back.reverse()).toEqual(out); // both directions agree
  return out;
}

describe('RecencyList: records in last-seen order, linked through themselves', () => {
  it('appends at the newest end, bumps to it, unlinks anywhere, and leaves a record not in it alone', () => {
    const list = new RecencyList<Rec>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id): Rec => ({ id }));
    for (const r of [a, b, c]) list.append(r!);
    expect(order(list)).toEqual(['a', 'b', 'c']);
    list.bump(a!);
    expect(order(list)).toEqual(['b', 'c', 'a']);
    list.bump(a!); // already the newest
    expect(order(list)).toEqual(['b', 'c', 'a']);
    list.unlink(c!);
    expect(order(list)).toEqual(['b', 'a']);
    expect([c!.older, c!.newer]).toEqual([undefined, undefined]);
    list.unlink(d!); // never in it
    list.unlink(c!); // no longer in it
    expect(order(list)).toEqual(['b', 'a']);
    list.unlink(b!);
    list.unlink(a!);
    expect([list.oldest, list.newest, order(list)]).toEqual([undefined, undefined, []]);
    list.append(d!);
    expect(order(list)).toEqual(['d']);
    list.unlink(d!); // the only record
    expect(list.oldest).toBeUndefined();
  });
});
