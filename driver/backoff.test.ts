import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { WATCH_RETRY_MAX_MS } from './list-watcher.ts';

describe('Backoff', () => {
  it('grows exponentially up to the cap, and starts over after reset', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 4000, jitter: 0.2, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 4000]);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('waits at most 2 s between attempts of a failing watch, so it is back soon after the API recovers', () => {
    const b = new Backoff({ maxMs: WATCH_RETRY_MAX_MS, random: () => 1 });
    const waits = Array.from({ length: 12 }, () => b.next());
    expect(waits.slice(0, 3)).toEqual([600, 1200, 2000]);
    expect(Math.max(...waits)).toBe(2000);
  });

  it.each([
    [0, 800],
    [0.999999, 1200],
  ])('jitters within ±20%% (random %f → %i ms)', (r, expected) => {
    expect(new Backoff({ initialMs: 1000, jitter: 0.2, random: () => r }).next()).toBe(expected);
  });
});
