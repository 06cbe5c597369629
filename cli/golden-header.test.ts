import { describe, expect, it } from 'vitest';
import { goldenHeader, readGoldenHeader, stripGoldenHeader } from './golden-header.ts';

describe('golden header', () => {
  it.each([
    [{ rules: true, times: true }, '# kspan golden tree; printed with: --rules\n'],
    [{ rules: false, times: false }, '# kspan golden tree; printed with: --no-times\n'],
    [{ rules: true, times: false }, '# kspan golden tree; printed with: --rules --no-times\n'],
    [{ rules: false, times: true }, '# kspan golden tree; printed with: (defaults)\n'],
  ])('%o round-trips through %j', (options, header) => {
    expect(goldenHeader(options)).toBe(header);
    expect(readGoldenHeader(`${header}trace x (1 spans)\n`)).toEqual(options);
    expect(stripGoldenHeader(`${header}trace x (1 spans)\n`)).toBe('trace x (1 spans)\n');
  });

  it('a golden without a header is read as it is', () => {
    expect(readGoldenHeader('trace x (1 spans)\n')).toBeUndefined();
    expect(stripGoldenHeader('trace x (1 spans)\n')).toBe('trace x (1 spans)\n');
  });
});
