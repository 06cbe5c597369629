import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Reasons, kinds, names, components and messages come from the cluster: none may drive the terminal.
const MAIN = join(import.meta.dirname, 'main.ts');
const HOSTILE = join(import.meta.dirname, 'testdata', 'hostile-fields.ndjson');
// eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function kspan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('every field printed to a terminal is escaped', () => {
  it('in the tree: ESC/OSC, C1 CSI, CR and bidi controls become visible \\u escapes', () => {
    const r = kspan('replay', HOSTILE);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(UNSAFE);
    expect(r.stdout).toContain('Pod\\u009b2J.Bad\\u001b[31mReason\\u202e');
    expect(r.stdout).toContain('ctl\\u009b31m\\u001b]8;;http://x\\u0007');
    expect(r.stdout).toContain('default\\u001b[2J/pod\\u2066\\u000d-x');
    expect(r.stdout).toContain('"msg \\u009b2J \\u202e gnirts \\u001b[0m end"');
  });

  it('in OTLP JSON: escaped the JSON way, so the values parse back unchanged', () => {
    const r = kspan('replay', '--output', 'otlp-json', HOSTILE);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(UNSAFE);
    const req = JSON.parse(r.stdout) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
    const names = req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name)));
    expect(names).toContain('Pod\u009b2J.Bad\u001b[31mReason\u202e');
    const single = kspan('replay', '--output', 'otlp-json', '--single-document', HOSTILE);
    expect(single.code).toBe(0);
    expect(single.stdout).not.toMatch(UNSAFE);
    const singleNames = (JSON.parse(single.stdout) as typeof req).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.name)),
    );
    expect(singleNames.sort()).toEqual(names.sort());
  });

  it('in error messages', () => {
    const r = kspan('replay', '/no/such/\u001b]0;pwned\u0007\u009b2J.ndjson');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(UNSAFE);
    expect(r.stderr).toContain('/no/such/\\u001b]0;pwned\\u0007\\u009b2J.ndjson: cannot read it');
  });
});
