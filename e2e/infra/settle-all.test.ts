import { describe, expect, it } from 'vitest';
import { settleAll } from './settle-all.ts';

describe('settleAll', () => {
  it('resolves with every value in order', async () => {
    expect(await settleAll([Promise.resolve(1), Promise.resolve('a')])).toEqual([1, 'a']);
  });

  it('rethrows a single failure as is, after the others settled', async () => {
    let otherDone = false;
    const slow = new Promise<void>((resolve) => setTimeout(() => ((otherDone = true), resolve()), 20));
    const boom = new Error('boom');
    await expect(settleAll([Promise.reject(boom), slow])).rejects.toBe(boom);
    expect(otherDone).toBe(true);
  });

  it('names every failure when several fail', async () => {
    await expect(settleAll([Promise.reject(new Error('jaeger')), Promise.reject(new Error('kind'))])).rejects.toThrow(
      /jaeger[\s\S]*kind/,
    );
  });
});
