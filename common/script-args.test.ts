import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScriptArgs, ScriptArgsError } from './script-args.ts';

const USAGE = {
  name: 'demo-script',
  help: 'Usage: demo-script [--quick] [--only ID]',
  options: { quick: { type: 'boolean' }, only: { type: 'string' } },
} as const;

describe('project scripts: flags', () => {
  it.each([
    [[], {}],
    [['--quick'], { quick: true }],
    [['--only', 'a,b'], { only: 'a,b' }],
    [['--only=a'], { only: 'a' }],
  ])('%j is read as %j', (argv, expected) => {
    expect({ ...parseScriptArgs(USAGE, argv) }).toEqual(expected);
  });

  it.each([['--help'], ['-h'], ['--quick', '--help']])('%s asks for the help', (...argv) => {
    expect(parseScriptArgs(USAGE, argv)).toBeUndefined();
  });

  it.each([
    [['--bogus'], "demo-script: Unknown option '--bogus' (see --help)"],
    [['--only'], "demo-script: Option '--only <value>' argument missing (see --help)"],
    [['stray'], "demo-script: Unexpected argument 'stray'"],
  ])('%j is refused in one line', (argv, message) => {
    expect(() => parseScriptArgs(USAGE, argv)).toThrow(ScriptArgsError);
    expect(() => parseScriptArgs(USAGE, argv)).toThrow(message);
  });

  // The scripts a newcomer runs: each explains itself and refuses a typo before doing any work.
  it.each([['chaos/run.ts'], ['bench/main.ts'], ['e2e/run.ts']])(
    '%s --help explains itself; a typo is refused',
    (script) => {
      const path = join(import.meta.dirname, '..', script);
      const help = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8', timeout: 30_000 });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run /);
      expect(help.stdout).toMatch(/-h, --help/);
      const typo = spawnSync(process.execPath, [path, '--qiuck'], { encoding: 'utf8', timeout: 30_000 });
      expect(typo.status).toBe(2);
      expect(typo.stderr).toMatch(/: Unknown option '--qiuck' \(see --help\)\n$/);
    },
  );
});
