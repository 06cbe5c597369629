import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsupportedNode as why } from '../bin/node-version.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'kspan.js');

describe('the Node.js version bin/kspan.js checks first', () => {
  it('accepts 22.18 and newer, refuses older with what to do', () => {
    for (const v of ['22.18.0', '22.23.3', '23.0.0', '24.1.2', '22.18']) expect(why(v), v).toBeUndefined();
    for (const v of ['22.17.9', '22.0.0', '20.20.2', '18.19.1']) expect(why(v), v).toMatch(/needs Node\.js 22\.18\.0/);
    expect(why('20.20.2')).toMatch(/npm ci/);
  });

  // Debian's Node.js 20 (the machines' own): the check is what an older Node meets first, not a SyntaxError.
  const OLD = '/usr/bin/node';
  const oldVersion = existsSync(OLD)
    ? spawnSync(OLD, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    : undefined;
  const old = oldVersion?.status === 0 && why(oldVersion.stdout.trim()) !== undefined;
  if (!old) console.warn(`SKIPPED: no Node.js older than 22.18 at ${OLD} to start bin/kspan.js with`);
  it.skipIf(!old)('says so in one line and exits 70 when started by an older Node', () => {
    const r = spawnSync(OLD, [BIN, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^kspan: needs Node\.js 22\.18\.0 or newer .*; this is Node\.js \d+\.\d+\.\d+ \(\/usr\/bin\/node\)\n$/,
    );
  });
});
