import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one child process took. */
export interface ChildResult {
  /** Wall time from spawn to exit, Node start-up included. */
  readonly seconds: number;
  /** Peak resident set of the child (GNU time's %M), undefined when /usr/bin/time is missing. */
  readonly peakRssBytes: number | undefined;
  /** CPU time of the child, user and system (GNU time's %U + %S): what a memory setting trades. */
  readonly cpuSeconds: number | undefined;
  readonly stdout: string;
}

const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME);
const scratch = mkdtempSync(join(tmpdir(), 'kspan-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs `node ARGS…` (this very Node binary) with stdout captured or discarded, and measures it.
 * Fails loudly on a non-zero exit: a bench of a failing command is worthless.
 */
export function runNode(args: readonly string[], options: { discardStdout?: boolean } = {}): ChildResult {
  const timeFile = join(scratch, 'time.txt');
  const command = HAS_TIME ? TIME : process.execPath;
  const argv = HAS_TIME ? ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...args] : [...args];
  const started = performance.now();
  const r = spawnSync(command, argv, {
    stdio: ['ignore', options.discardStdout === true ? 'ignore' : 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) {
    throw new Error(`bench: node ${args.join(' ')} exited ${String(r.status ?? r.signal)}: ${r.stderr.slice(-2000)}`);
  }
  // The last line: GNU time puts a note on a line before it when the child was signalled.
  const [kib, user, system] = HAS_TIME
    ? (readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number)
    : [];
  const cpu = (user ?? Number.NaN) + (system ?? Number.NaN);
  return {
    seconds,
    peakRssBytes: kib !== undefined && Number.isFinite(kib) ? kib * 1024 : undefined,
    cpuSeconds: Number.isFinite(cpu) ? cpu : undefined,
    stdout: r.stdout ?? '',
  };
}
