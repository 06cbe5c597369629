import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** core/ stays a pure state machine: no I/O, no clients or exporters, no wall clock, no randomness. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [
    /from\s+['"](node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|tls|os|worker_threads)['"]/,
    'I/O module',
  ],
  [/from\s+['"]@kubernetes\/client-node['"]/, 'Kubernetes client'],
  [/from\s+['"]@opentelemetry\/(exporter|sdk|otlp|resources)[^'"]*['"]/, 'OpenTelemetry SDK or exporter'],
  [/\bDate\.now\s*\(/, 'wall clock'],
  [/\bnew Date\(\s*\)/, 'wall clock'],
  [/\bperformance\.now\s*\(/, 'wall clock'],
  [/\bMath\.random\s*\(/, 'randomness'],
  [/\brandomUUID\b|\brandomBytes\b/, 'randomness'],
  [/\bprocess\.(env|hrtime|stdout|stderr)\b/, 'process state'],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(/, 'timers'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-support' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('core/ boundary', () => {
  const files = sources(import.meta.dirname);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.slice(import.meta.dirname.length + 1), f]))(
    '%s reaches nothing outside the core',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const found = FORBIDDEN.filter(([re]) => re.test(text)).map(([, what]) => what);
      expect(found).toEqual([]);
    },
  );
});
