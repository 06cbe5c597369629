import { describe, expect, it } from 'vitest';
import { DockerIgnore, dockerStages, parseCopy, parseDockerfile } from './docker-context.ts';

describe('.dockerignore rules as the image check reads them', () => {
  const ignore = new DockerIgnore('# comment\nnode_modules\n**/*.test.ts\n/docs\n*.log\nsimulator/bench*\n!keep.log\n');
  it.each([
    ['node_modules/x/index.js', true],
    ['core/engine.test.ts', true],
    ['engine.test.ts', true],
    ['core/engine.ts', false],
    ['docs/a.md', true],
    ['cli/docs/a.md', false],
    ['debug.log', true],
    ['keep.log', false],
    ['core/debug.log', false],
    ['simulator/bench.ts', true],
    ['simulator/commands.ts', false],
  ])('%s ignored: %s', (path, ignored) => {
    expect(ignore.ignores(path)).toBe(ignored);
  });
});

describe('Dockerfile parsing', () => {
  it('joins continuations, substitutes ARG defaults in FROM and reads COPY flags', () => {
    const stages = dockerStages(
      parseDockerfile(
        'ARG IMG=node:22.1-slim\n# c\nFROM ${IMG} AS deps\nRUN a \\\n  && b\nFROM $IMG\nCOPY --from=deps --chown=1:1 /x ./y\n',
      ),
    );
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      ['node:22.1-slim', 'deps'],
      ['node:22.1-slim', undefined],
    ]);
    expect(stages[0]?.instructions).toEqual([{ keyword: 'RUN', args: 'a && b' }]);
    expect(parseCopy(stages[1]?.instructions[0]?.args ?? '')).toEqual({ from: 'deps', sources: ['/x'], dest: './y' });
  });

  it.each([['["a", "b"]'], ['--exclude=x a b'], ['onlyone']])('refuses COPY %s rather than guess', (args) => {
    expect(() => parseCopy(args)).toThrow();
  });
});
