import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { COMMAND_MODULES, type CommandModule } from './command-modules.ts';
import { buildProgram, runCli } from './program.ts';

function fakeModule(name: string, calls: string[], fail = false): CommandModule {
  return {
    commands: [name],
    source: `${name}/commands.ts`,
    load: () => {
      calls.push(name);
      if (fail) return Promise.reject(new Error(`Cannot find module '${name}/commands.ts'`));
      return Promise.resolve((program: Command) => {
        program.command(name).action(() => {
          process.stdout.write('');
        });
      });
    },
  };
}

describe('commands load lazily', () => {
  it('imports only the module of the requested command', async () => {
    const calls: string[] = [];
    await buildProgram(['beta', '--x'], [fakeModule('alpha', calls), fakeModule('beta', calls)]);
    expect(calls).toEqual(['beta']);
  });

  it('imports every module for the full help or an unknown command', async () => {
    const calls: string[] = [];
    await buildProgram(['--help'], [fakeModule('alpha', calls), fakeModule('beta', calls)]);
    expect(calls).toEqual(['alpha', 'beta']);
  });

  it('a module that cannot load leaves the others working and fails its own commands with exit 70, one line', async () => {
    const calls: string[] = [];
    const modules = [fakeModule('alpha', calls), fakeModule('beta', calls, true)];
    const errors: string[] = [];
    expect(await runCli(['node', 'kspan', 'alpha'], modules, (t) => errors.push(t))).toBe(0);
    expect(await runCli(['node', 'kspan', 'beta', '--whatever'], modules, (t) => errors.push(t))).toBe(70);
    expect(errors).toEqual([
      "kspan: beta is unavailable in this installation: cannot load beta/commands.ts (Cannot find module 'beta/commands.ts'); reinstall kspan or use an image that ships it\n",
    ]);
  });

  it('the table names exactly the commands each module registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = await buildProgram(m.commands.slice(0, 1), [m]);
      expect(
        program.commands.map((c) => c.name()),
        m.source,
      ).toEqual(m.commands);
    }
  });
});
