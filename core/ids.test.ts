import { describe, expect, it } from 'vitest';
import { spanIdOf, traceIdOf } from './ids.ts';

describe('deterministic IDs', () => {
  it('are valid OpenTelemetry IDs and stable', () => {
    expect(traceIdOf('uid-1', 3)).toMatch(/^[0-9a-f]{32}$/);
    expect(spanIdOf('uid-1', 1)).toMatch(/^[0-9a-f]{16}$/);
    expect(traceIdOf('uid-1', 3)).toBe(traceIdOf('uid-1', 3));
  });

  it('do not collide over a hundred thousand event identities', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++)
      seen.add(spanIdOf(`5c62d50b-aee3-4972-b0bb-${String(i).padStart(12, '0')}`, 1 + (i % 3)));
    expect(seen.size).toBe(100_000);
  });

  // Goldens and stored traces hold these IDs: the hash over the parts joined by U+0000 must not change.
  it.each([
    [traceIdOf('uid-1', 3), '9b1f7d8b65acc9aec9315d0a328d27bb'],
    [spanIdOf('uid-1', 1), '32f0005e188130ca'],
    [spanIdOf('root', 'u', 0, 2), '9b263087ef222150'],
    [traceIdOf('own', 'é?/x'), '89f57bba9b694314870ea4663cb537ab'],
    [spanIdOf(), '32fb380370aabe83'],
    [spanIdOf(''), 'b3b74d483eb71506'],
    [traceIdOf(1.5, -0, 1e21), 'bc7f3df7c64965ca68b83fdbb582d4a6'],
  ])('keep their values (%s)', (id, expected) => {
    expect(id).toBe(expected);
  });

  it('separate parts, so ("ab", "c") and ("a", "bc") differ', () => {
    expect(spanIdOf('ab', 'c')).not.toBe(spanIdOf('a', 'bc'));
    expect(traceIdOf('uid', 1)).not.toBe(traceIdOf('uid', 1, 1));
  });
});
