import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import {
  applyCopy,
  DockerIgnore,
  dockerStages,
  parseCopy,
  parseDockerfile,
  readContextFile,
  type DockerStage,
} from './docker-context.ts';

/** The file tree and start command an image would have, rebuilt without a container engine. */
export interface ImageTree {
  /** The image's `/`. */
  readonly root: string;
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly user?: string;
  readonly baseImage: string;
  /** Image paths copied from the build context by the final stage. */
  readonly copied: readonly string[];
}

function jsonList(args: string, keyword: string): string[] {
  const value: unknown = JSON.parse(args);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error(`${keyword} ${args}: expected the JSON (exec) form`);
  return value;
}

/** The `npm ci …` commands of a RUN line: the only ones this check replays (never `npm cache clean`). */
function npmCiCommands(run: string): string[][] {
  return run
    .split('&&')
    .map((c) => c.trim().split(/\s+/))
    .filter((words) => words[0] === 'npm' && words[1] === 'ci');
}

/**
 * Builds the dependency stage `stage` into `cacheDir` (keyed by what it copies and runs, so the lock file
 * decides when it is rebuilt): its COPY lines from the context, its `npm ci` runs offline, from the npm cache.
 */
function buildDepsStage(context: string, ignore: DockerIgnore, stage: DockerStage, cacheDir: string): string {
  const hash = createHash('sha256');
  const steps: (() => void)[] = [];
  let workdir = '/';
  const staging = join(cacheDir, `staging-${process.pid}`);
  for (const i of stage.instructions) {
    if (i.keyword === 'WORKDIR') workdir = posix.resolve(workdir, i.args);
    else if (i.keyword === 'COPY') {
      const copy = parseCopy(i.args);
      if (copy.from !== undefined) throw new Error(`deps stage: COPY --from is not supported by this check`);
      for (const s of copy.sources) hash.update(`${s}\0${readContextFile(context, s)}\0`);
      const wd = workdir;
      steps.push(() => void applyCopy(context, ignore, copy, staging, wd));
    } else if (i.keyword === 'RUN') {
      const commands = npmCiCommands(i.args);
      if (commands.length === 0) throw new Error(`deps stage: RUN ${i.args}: only npm ci is replayed by this check`);
      hash.update(`${i.args}\0`);
      const wd = workdir;
      steps.push(() => {
        for (const [, ...args] of commands) {
          const npm = (mode: string): void =>
            void execFileSync('npm', [...args, mode, '--no-audit', '--no-fund', '--loglevel=error'], {
              cwd: join(staging, wd),
              stdio: ['ignore', 'ignore', 'pipe'],
              timeout: 300_000,
            });
          try {
            npm('--offline');
          } catch {
            // A package added since the cache was filled (its metadata not cached yet): the registry has it.
            npm('--prefer-offline');
          }
        }
      });
    }
  }
  const done = join(cacheDir, hash.digest('hex').slice(0, 16));
  if (!existsSync(done)) {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const step of steps) step();
    settleCacheEntry(staging, done);
  }
  return done;
}

/**
 * Moves a filled staging directory to its cache entry. Another test run (a second checkout sharing node_modules)
 * may have filled the same entry first: its copy is as good, and this one's staging is removed.
 */
export function settleCacheEntry(staging: string, done: string): void {
  mkdirSync(dirname(done), { recursive: true });
  try {
    renameSync(staging, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !existsSync(done)) throw err;
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Rebuilds the final stage of `Dockerfile` in `context` under `out`: files from COPY lines filtered by
 * .dockerignore, the dependency stage's folders linked from a cache, and the ENV/WORKDIR/ENTRYPOINT/CMD/USER it sets.
 */
export function buildImageTree(context: string, out: string, cacheDir: string): ImageTree {
  const stages = dockerStages(parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8')));
  const ignore = new DockerIgnore(readContextFile(context, '.dockerignore'));
  const final = stages.at(-1);
  if (final === undefined) throw new Error('Dockerfile: no FROM');
  const root = join(out, 'rootfs');
  mkdirSync(root, { recursive: true });
  let workdir = '/';
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let user: string | undefined;
  const copied: string[] = [];
  for (const i of final.instructions) {
    if (i.keyword === 'WORKDIR') workdir = posix.resolve(workdir, i.args);
    else if (i.keyword === 'ENV') {
      for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
        env[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
    } else if (i.keyword === 'ENTRYPOINT') entrypoint = jsonList(i.args, 'ENTRYPOINT');
    else if (i.keyword === 'CMD') cmd = jsonList(i.args, 'CMD');
    else if (i.keyword === 'USER') user = i.args;
    else if (i.keyword === 'COPY') {
      const copy = parseCopy(i.args);
      if (copy.from === undefined) {
        copied.push(...applyCopy(context, ignore, copy, root, workdir));
        continue;
      }
      const stage = stages.find((s) => s.name === copy.from);
      if (stage === undefined) throw new Error(`COPY --from=${copy.from}: no such stage`);
      const built = buildDepsStage(context, ignore, stage, cacheDir);
      for (const source of copy.sources) {
        const from = join(built, source);
        if (!existsSync(from)) throw new Error(`COPY --from=${copy.from} ${source}: the stage has no such path`);
        const target = join(root, posix.resolve(workdir, copy.dest));
        mkdirSync(dirname(target), { recursive: true });
        // A link instead of a copy: node_modules is large, and the cached stage is read-only here.
        symlinkSync(from, target);
      }
    } else if (i.keyword === 'RUN') throw new Error(`final stage: RUN ${i.args} is not replayed by this check`);
  }
  writeFileSync(join(out, 'image.json'), JSON.stringify({ workdir, env, entrypoint, cmd, user }, null, 2));
  return {
    root,
    workdir,
    env,
    entrypoint,
    cmd,
    ...(user !== undefined ? { user } : {}),
    baseImage: final.from,
    copied,
  };
}
