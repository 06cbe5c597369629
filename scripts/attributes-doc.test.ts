import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['core', 'export', 'driver'];

/** Attribute keys written as string literals (`'kspan.rule'`, `'k8s.node.name'`) by production files. */
function attributeKeys(): Set<string> {
  const keys = new Set<string>();
  for (const dir of SOURCES)
    for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.includes('test-support')) continue;
      const text = readFileSync(join(ROOT, dir, f), 'utf8');
      for (const m of text.matchAll(/['`](kspan\.[a-z_.]+|k8s\.[a-z_]+\.[a-z_]+)['`]/g)) keys.add(m[1] as string);
    }
  return keys;
}

describe('docs/attributes.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/attributes.md'), 'utf8');
  const keys = attributeKeys();

  it('finds the attributes the code writes', () => {
    expect(keys.has('kspan.rule')).toBe(true);
    expect(keys.has('k8s.container.name')).toBe(true);
  });

  it('lists every attribute the code writes', () => {
    // kspan.io/… are annotations, not attributes; a semantic-convention key per kind is listed by its prefix.
    const missing = [...keys].filter((k) => !k.startsWith('kspan.io') && !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
