import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORRELATION_RULES, BUILT_IN_RETARGET_RULES } from '../core/index.ts';
import { BEGIN, DOC_PATH, END, regenerate, rulesMarkdown } from './causality-doc.ts';

describe('docs/causality.md', () => {
  it('shows the rule tables as they are in core/ (run `npm run docs:causality` after changing a rule)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(regenerate(doc)).toBe(doc);
  });

  it('lists every correlation and retarget rule, in table order', () => {
    const md = rulesMarkdown();
    const ids = [...md.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    const correlation = CORRELATION_RULES.map((r) => r.id);
    expect(ids.filter((id) => correlation.includes(id as never))).toEqual(correlation);
    expect(ids.slice(0, BUILT_IN_RETARGET_RULES.length)).toEqual(BUILT_IN_RETARGET_RULES.map((r) => r.id));
  });

  it('replaces only what lies between the markers', () => {
    const doc = `intro\n${BEGIN}\nold table\n${END}\nafter\n`;
    const next = regenerate(doc);
    expect(next.startsWith(`intro\n${BEGIN}\n`)).toBe(true);
    expect(next.endsWith(`\n${END}\nafter\n`)).toBe(true);
    expect(next).not.toContain('old table');
  });
});
