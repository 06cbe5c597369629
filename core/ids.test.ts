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

  it('separate parts, so ("ab", "c") and ("a", "bc") differ', () => {
    expect(spanIdOf('ab', 'c')).not.toBe(spanIdOf('a', 'bc'));
    expect(traceIdOf('uid', 1)).not.toBe(traceIdOf('uid', 1, 1));
  });
});
