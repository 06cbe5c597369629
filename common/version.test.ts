import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KSPAN_VERSION } from './version.ts';

describe('KSPAN_VERSION', () => {
  it('is the version package.json declares', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(KSPAN_VERSION).toBe(pkg.version);
    expect(KSPAN_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
