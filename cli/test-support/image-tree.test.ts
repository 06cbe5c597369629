import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settleCacheEntry } from './image-tree.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A new cache directory, removed after the test. */
function tempCache(): string {
  const cache = mkdtempSync(join(tmpdir(), 'kspan-cache-'));
  dirs.push(cache);
  return cache;
}

function filled(parent: string, name: string, text: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'file'), text);
  return dir;
}

describe('settleCacheEntry', () => {
  it('moves the staging directory to the entry', () => {
    const cache = tempCache();
    const staging = filled(cache, 'staging-1', 'mine');
    settleCacheEntry(staging, join(cache, 'entry'));
    expect(readFileSync(join(cache, 'entry', 'file'), 'utf8')).toBe('mine');
    expect(existsSync(staging)).toBe(false);
  });

  it('keeps the entry another run filled first, and removes its own staging', () => {
    const cache = tempCache();
    filled(cache, 'entry', 'theirs');
    const staging = filled(cache, 'staging-2', 'mine');
    settleCacheEntry(staging, join(cache, 'entry'));
    expect(readFileSync(join(cache, 'entry', 'file'), 'utf8')).toBe('theirs');
    expect(existsSync(staging)).toBe(false);
  });

  it('still fails when the staging directory is missing', () => {
    const cache = tempCache();
    expect(() => settleCacheEntry(join(cache, 'nothing'), join(cache, 'entry'))).toThrow(/ENOENT/);
  });
});
