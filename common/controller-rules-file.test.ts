import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ARGO_ROLLOUTS_RULES } from '../core/index.ts';
import { controllerRulesFrom, readControllerRules } from './controller-rules-file.ts';

const rule = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'webapp-creates-pod',
  reasons: ['PodCreated'],
  child: 'Pod',
  pattern: '^created pod (?<child>\\S+)',
  ...over,
});
const doc = (r: Record<string, unknown> = rule(), controller: Record<string, unknown> = {}): unknown => ({
  controllers: [{ kind: 'WebApp', apiVersion: 'example.com/v1', retarget: [r], ...controller }],
});

describe('controller rules files', () => {
  it('compiles a valid document into retarget rules for the controller kind', () => {
    const rules = controllerRulesFrom(doc(), 'f.yaml');
    expect(rules.kinds).toEqual([{ kind: 'WebApp', apiVersion: 'example.com/v1' }]);
    expect(rules.retargetRules).toHaveLength(1);
    const [r] = rules.retargetRules;
    expect(r).toMatchObject({
      id: 'webapp-creates-pod',
      actorKind: 'WebApp',
      reasons: ['PodCreated'],
      childKind: 'Pod',
    });
    expect(r?.pattern.exec('created pod web-1')?.groups?.child).toBe('web-1');
  });

  it.each([
    ['a typo in a field', doc(rule({ reason: ['X'] })), /retarget\[0\]: unknown field "reason"/],
    ['no controllers', {}, /\(top\)\.controllers: expected a non-empty list/],
    [
      'a kind that is no kind name',
      doc(rule(), { kind: 'web app' }),
      /controllers\[0\]\.kind: "web app" does not match/,
    ],
    ['a bad apiVersion', doc(rule(), { apiVersion: 'example.com' }), /apiVersion: "example.com" does not match/],
    ['a pattern that does not compile', doc(rule({ pattern: '^(unclosed' })), /pattern: not a regular expression/],
    [
      'a pattern that captures no child',
      doc(rule({ pattern: '^created pod \\S+' })),
      /needs a group that captures the child/,
    ],
    [
      'a scaling without from or direction',
      doc(rule({ pattern: '^scaled (?<child>\\S+) to (?<to>\\d+)' })),
      /also needs \(\?<from>/,
    ],
    ['an unknown group', doc(rule({ pattern: '^(?<name>\\S+)' })), /unknown group \(\?<name>/],
    ['a built-in id', doc(rule({ id: 'replicaset-pod' })), /"replicaset-pod" is already a rule's id/],
    ['observes that is not a boolean', doc(rule({ observes: 'yes' })), /observes: expected true or false/],
    ['no reasons', doc(rule({ reasons: [] })), /reasons: expected a non-empty list/],
  ])('refuses %s, naming where', (_what, input, message) => {
    expect(() => controllerRulesFrom(input, 'f.yaml')).toThrow(message);
    expect(() => controllerRulesFrom(input, 'f.yaml')).toThrow(/^f\.yaml: /);
  });

  it('reads files, and says which one it cannot read or parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspan-controllers-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'controllers:\n  - kind: WebApp\n    retarget:\n      - id: a\n        reasons: [R]\n        child: Pod\n        pattern: "^(\\\\S+)"\n',
    );
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'controllers: [\n');
    expect((await readControllerRules([good])).retargetRules.map((r) => r.id)).toEqual(['a']);
    await expect(readControllerRules([bad])).rejects.toThrow(/--controllers .*bad\.yaml: not YAML/);
    await expect(readControllerRules([join(dir, 'missing.yaml')])).rejects.toThrow(
      /cannot read .*missing\.yaml \(ENOENT\)/,
    );
    await expect(readControllerRules([good, good])).rejects.toThrow(/rule id "a" appears in two files/);
    expect(await readControllerRules([])).toEqual({ kinds: [], retargetRules: [] });
  });

  it('docs/controllers.md shows the built-in Argo Rollouts rules as a file that loads to the same rules', () => {
    const md = readFileSync(join(import.meta.dirname, '..', 'docs', 'controllers.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(md)?.[1];
    expect(yaml).toBeDefined();
    const parsed = parse(yaml as string) as { controllers: { retarget: { id: string }[] }[] };
    // The built-in ids cannot be loaded again; compare under other ids.
    for (const r of parsed.controllers[0]?.retarget ?? []) r.id = `doc-${r.id}`;
    const fromDoc = controllerRulesFrom(parsed, 'docs/controllers.md').retargetRules;
    expect(fromDoc.map((r) => [r.id.slice(4), r.actorKind, r.reasons, r.childKind, r.pattern.source])).toEqual(
      ARGO_ROLLOUTS_RULES.map((r) => [r.id, r.actorKind, r.reasons, r.childKind, r.pattern.source]),
    );
  });
});
