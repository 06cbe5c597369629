import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** Parses a Dockerfile into instructions (comments and blank lines dropped, `\` continuations joined). */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (pending === '' && /^\s*#/.test(raw)) continue;
    const line = raw.replace(/\\\s*$/, '');
    pending += (pending === '' ? '' : ' ') + line.trim();
    if (line !== raw) continue;
    const m = /^(\w+)\s+(.*)$/.exec(pending);
    if (m !== null) out.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim() });
    pending = '';
  }
  return out;
}

/** A build stage: its base, its name and its instructions. */
export interface DockerStage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: readonly DockerInstruction[];
}

/** Splits instructions into stages at each FROM, with ARG defaults substituted in the base image. */
export function dockerStages(instructions: readonly DockerInstruction[]): DockerStage[] {
  const args = new Map<string, string>();
  const stages: { from: string; name?: string; instructions: DockerInstruction[] }[] = [];
  for (const i of instructions) {
    if (i.keyword === 'ARG' && stages.length === 0) {
      const [k, v] = i.args.split('=');
      if (k !== undefined && v !== undefined) args.set(k, v);
    } else if (i.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      if (m === null) throw new Error(`FROM ${i.args}: not understood`);
      const from = (m[1] as string).replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a?: string, b?: string) => args.get(a ?? b ?? '') ?? '',
      );
      stages.push({ from, ...(m[2] !== undefined ? { name: m[2] } : {}), instructions: [] });
    } else {
      const current = stages.at(-1);
      if (current === undefined) throw new Error(`${i.keyword} before FROM`);
      current.instructions.push(i);
    }
  }
  return stages;
}

/** A COPY instruction: its flags, sources (context paths) and destination. */
export interface DockerCopy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly dest: string;
}

/** Parses the arguments of COPY (shell form only; the JSON form throws, so the test notices). */
export function parseCopy(args: string): DockerCopy {
  if (args.startsWith('[')) throw new Error(`COPY ${args}: the JSON form is not supported by this check`);
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--') === true) {
    const flag = words.shift() as string;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
    else if (!/^--(chown|chmod|link)(=|$)/.test(flag))
      throw new Error(`COPY ${flag}: flag not supported by this check`);
  }
  const dest = words.pop();
  if (dest === undefined || words.length === 0) throw new Error(`COPY ${args}: needs a source and a destination`);
  return { ...(from !== undefined ? { from } : {}), sources: words, dest };
}

/** Compiles a .dockerignore pattern (Go filepath.Match plus `**`) into a regular expression over context paths. */
function patternRegex(pattern: string): RegExp {
  const p = posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` matches any number of folders, including none
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that matches a folder excludes everything inside it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** The .dockerignore rules: later lines win, `!` lines re-include. */
export class DockerIgnore {
  private readonly rules: readonly { negate: boolean; re: RegExp }[];

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) =>
        l.startsWith('!') ? { negate: true, re: patternRegex(l.slice(1)) } : { negate: false, re: patternRegex(l) },
      );
  }

  /** Whether a context path (relative, `/`-separated) is left out of the build context. */
  ignores(path: string): boolean {
    let ignored = false;
    for (const r of this.rules) if (r.re.test(path)) ignored = !r.negate;
    return ignored;
  }

  /** Whether a folder can be skipped whole (ignored, and no `!` rule could bring a file inside it back). */
  prunes(folder: string): boolean {
    return this.ignores(folder) && !this.rules.some((r) => r.negate);
  }
}

function* walk(root: string, rel: string, ignore: DockerIgnore): Generator<string> {
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!ignore.prunes(path)) yield* walk(root, path, ignore);
    } else if (!ignore.ignores(path)) yield path;
  }
}

/**
 * Copies what `COPY <sources> <dest>` puts in an image, from the build context `context` (filtered by its
 * .dockerignore) into `root` (the image's `/`), with `workdir` resolving a relative destination.
 * Returns the image paths written.
 */
export function applyCopy(
  context: string,
  ignore: DockerIgnore,
  copy: DockerCopy,
  root: string,
  workdir: string,
): string[] {
  const dest = posix.resolve(workdir, copy.dest);
  const intoFolder = copy.dest.endsWith('/') || copy.sources.length > 1;
  const written: string[] = [];
  for (const source of copy.sources) {
    const normalized = posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '');
    const rel = normalized === '.' ? '' : normalized;
    const abs = join(context, rel);
    const strip = rel === '' ? 0 : rel.length + 1;
    const isDir = statSync(abs, { throwIfNoEntry: false })?.isDirectory();
    if (isDir === undefined) throw new Error(`COPY ${source}: not in the build context`);
    const files = isDir ? [...walk(context, rel, ignore)] : ignore.ignores(rel) ? [] : [rel];
    if (files.length === 0) throw new Error(`COPY ${source}: excluded by .dockerignore, the build would fail`);
    for (const file of files) {
      const target = isDir
        ? posix.join(dest, file.slice(strip))
        : intoFolder
          ? posix.join(dest, posix.basename(file))
          : dest;
      mkdirSync(dirname(join(root, target)), { recursive: true });
      copyFileSync(join(context, file), join(root, target));
      written.push(target);
    }
  }
  return written;
}

/** Reads a file of the build context, or '' when it is absent. */
export function readContextFile(context: string, path: string): string {
  try {
    return readFileSync(join(context, path), 'utf8');
  } catch {
    return '';
  }
}
