import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InputRecord } from '../core/index.ts';
import { toKspanCapture } from '../input-log/capture-writer.ts';
import { COMMAND_MODULES } from './command-modules.ts';
import { runCli } from './program.ts';

// Every user mistake: exit 2, one line on stderr starting with "kspan: ", no stack trace.
const run = promisify(execFile);
const MAIN = join(import.meta.dirname, 'main.ts');
const DATA = join(import.meta.dirname, 'testdata');
const SCENARIO = join(import.meta.dirname, '..', 'scenarios', 'deployment-create');
const INPUT = join(SCENARIO, 'input.ndjson');
const TMP = mkdtempSync(join(tmpdir(), 'kspan-mistakes-'));
const BINARY = join(TMP, 'binary.ndjson');
writeFileSync(BINARY, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));
const gzipped = gzipSync(readFileSync(INPUT));

let busy: Server;
let busyPort = 0;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => busy.close());

/** Runs kspan with no OTLP variables from this shell (unless given), stdin closed. */
async function kspan(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('OTEL_') || k === 'KUBECONFIG') delete base[k];
  try {
    const r = await run(process.execPath, [MAIN, ...args], {
      env: { ...base, HOME: TMP, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const MISTAKES: readonly [string, readonly string[], RegExp, Record<string, string>?][] = [
  ['an unknown command', ['deploy'], /^kspan: unknown command 'deploy' \(Did you mean replay\?\) \(see --help\)\n$/],
  ['an unknown option', ['replay', '--bogus', INPUT], /^kspan: unknown option '--bogus'/],
  ['a missing argument', ['replay'], /^kspan: missing required argument 'files'/],
  ['a missing file', ['replay', '/no/such/file.ndjson'], /^kspan: \/no\/such\/file\.ndjson: cannot read it \(ENOENT\)/],
  ['a folder as input', ['replay', DATA], /: not a file; give an input log/],
  ['a malformed line', ['replay', join(DATA, 'malformed.ndjson')], /malformed\.ndjson:2: not valid JSON/],
  ['binary input', ['replay', BINARY], /binary\.ndjson: binary data, not an input log/],
  ['a duration without a unit', ['replay', '--window', '5', INPUT], /^kspan: --window: .*got "5"; add a unit, e.g. 5s/],
  ['a bad duration', ['replay', '--idle', 'soon', INPUT], /^kspan: --idle: expected a duration like 5s/],
  ['a bad --format', ['replay', '--format', 'bogus', INPUT], /--format <format>' argument 'bogus' is invalid/],
  [
    'a missing controller rules file',
    ['replay', '--controllers', '/no/rules.yaml', INPUT],
    /^kspan: --controllers: cannot read \/no\/rules\.yaml \(ENOENT\)/,
  ],
  [
    'a controller rules file that is not one',
    ['replay', '--controllers', INPUT, INPUT],
    /^kspan: --controllers .*input\.ndjson: not YAML \(/,
  ],
  [
    'run: a missing controller rules file',
    ['run', '--controllers', '/no/rules.yaml'],
    /^kspan: --controllers: cannot read \/no\/rules\.yaml/,
  ],
  ['a bad --output', ['replay', '--output', 'xml', INPUT], /^kspan: --output must be tree, otlp-json or html/],
  ['a non-URL endpoint', ['replay', '--otlp-endpoint', 'not a url', INPUT], /^kspan: --otlp-endpoint: expected a URL/],
  [
    'a non-URL endpoint in the environment',
    ['replay', INPUT],
    /^kspan: \$OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:\/\/ or https:\/\/ URL, got "localhost:4317"/,
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4317' },
  ],
  ['a golden that does not exist', ['replay', '--check', '/missing/g.tree', INPUT], /create it with --update/],
  [
    'a golden in a missing folder',
    ['replay', '--check', '/missing/dir/g.tree', '--update', INPUT],
    /^kspan: \/missing\/dir\/g\.tree: cannot write the golden file \(ENOENT\)/,
  ],
  [
    'a missing scenarios folder',
    ['scenarios', '--dir', '/nonexistent'],
    /^kspan: \/nonexistent: no such file or folder\n$/,
  ],
  ['an empty scenarios folder', ['scenarios', '--dir', DATA], /: no scenarios/],
  ['an unknown scenario to simulate', ['simulate', 'nope'], /^kspan: unknown scenario "nope"; known: /],
  ['an unknown accuracy scenario', ['accuracy', '--scenario', 'nope'], /^kspan: unknown scenario "nope"; known: /],
  ['a bad simulate output', ['simulate', 'rolling-update', '-o', 'xml'], /^kspan: --output xml: expected one of/],
  ['a bad seed', ['simulate', 'rolling-update', '--seed', 'x'], /option '--seed <n>' argument 'x' is invalid/],
  ['run: a bad log level', ['run', '--log-level', 'loud'], /^kspan: --log-level: expected one of/],
  ['run: a bad queue size', ['run', '--max-queue-size', '0'], /^kspan: --max-queue-size: expected a positive integer/],
  [
    'run: a bad event type',
    ['run', '--event-types', 'Fatal'],
    /^kspan: --event-types: expected Normal and\/or Warning/,
  ],
  ['run: a duration without a unit', ['run', '--idle', '300'], /^kspan: --idle: .*add a unit/],
  ['run: a non-URL endpoint', ['run', '--otlp-endpoint', 'x'], /^kspan: --otlp-endpoint: expected a URL/],
  [
    'run: a missing headers file',
    ['run', '--otlp-headers-file', '/no/h'],
    /^kspan: --otlp-headers-file: cannot read \/no\/h/,
  ],
  [
    'run: a missing kubeconfig',
    ['run', '--kubeconfig', '/no/kubeconfig'],
    /^kspan: the kubeconfig \/no\/kubeconfig .*does not exist/,
  ],
  ['run: no kubeconfig at all', ['run'], /^kspan: no kubeconfig found; looked at: /],
  [
    'run: a kubeconfig without a cluster',
    ['run', '--kubeconfig', join(DATA, 'no-cluster.kubeconfig')],
    /^kspan: the kubeconfig's current context "" names no cluster/,
  ],
  [
    'run: an unknown context',
    ['run', '--kubeconfig', join(DATA, 'no-cluster.kubeconfig'), '--context', 'prod'],
    /^kspan: the kubeconfig has no context "prod"/,
  ],
  [
    'run: a metrics address in use',
    ['run', '--metrics-addr', 'BUSY', '--kubeconfig', join(DATA, 'unreachable.kubeconfig')],
    /^kspan: cannot listen on 127\.0\.0\.1:\d+ for \/metrics: .*EADDRINUSE.*Pick another --metrics-addr\.\n$/,
  ],
];

/** Runs the CLI in this process (fast: modules load once), as `kspan` would, with its stderr captured. */
async function inProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_') || k === 'KUBECONFIG') delete process.env[k];
  Object.assign(process.env, { HOME: TMP }, env);
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(['node', 'kspan', ...args], COMMAND_MODULES, (t) => stderr.push(t));
    return { code, stdout: '', stderr: stderr.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
    process.env = saved;
  }
}

describe('every user mistake exits 2 with one line and no stack trace', () => {
  it.each(MISTAKES)('%s', async (_name, args, message, env) => {
    const r = await inProcess(
      args.map((a) => (a === 'BUSY' ? `127.0.0.1:${busyPort}` : a)),
      env,
    );
    // `run` logs JSON lines on stderr by design (its start); the mistake is the one kspan line among them.
    const lines = r.stderr.split(/(?<=\n)/).filter((l) => !l.startsWith('{"time":'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(r.code).toBe(2);
  });
});

describe('as a real process', () => {
  it.each([
    ['a parser error', ['replay', '--bogus', INPUT], /^kspan: unknown option '--bogus' \(see --help\)\n$/],
    ['a user error', ['replay', '--window', '5', INPUT], /^kspan: --window: /],
    ['an input error', ['replay', join(DATA, 'malformed.ndjson')], /^kspan: .*malformed\.ndjson:2: not valid JSON/],
  ])('%s exits 2 with one line', async (_name, args, message) => {
    const r = await kspan(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('other outcomes', () => {
  it('a golden mismatch exits 1 with a diff', async () => {
    const r = await kspan([
      'replay',
      '--check',
      join(DATA, '..', '..', 'scenarios', 'scale-down', 'golden.tree'),
      INPUT,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kspan: output differs from .*golden\.tree.* \(- golden, \+ actual\):\n/);
  });

  it('--check prints the way the golden says it was written (its header line), whatever the flags', async () => {
    const golden = join(SCENARIO, 'golden.tree');
    expect(readFileSync(golden, 'utf8').split('\n')[0]).toBe('# kspan golden tree; printed with: --rules');
    const r = await kspan(['replay', '--check', golden, INPUT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('--check against a golden without a header hints at --rules when the golden has rule names', async () => {
    const headerless = join(TMP, 'old.tree');
    writeFileSync(headerless, readFileSync(join(SCENARIO, 'golden.tree'), 'utf8').split('\n').slice(1).join('\n'));
    const r = await kspan(['replay', '--check', headerless, INPUT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/looks written with --rules: try adding --rules/);
    expect((await kspan(['replay', '--rules', '--check', headerless, INPUT])).code).toBe(0);
  });

  it('--update writes the header, and a later --check reads it back', async () => {
    const golden = join(TMP, 'new.tree');
    expect((await kspan(['replay', '--no-times', '--check', golden, '--update', INPUT])).code).toBe(0);
    expect(readFileSync(golden, 'utf8')).toMatch(/^# kspan golden tree; printed with: --no-times\ntrace /);
    expect(readFileSync(golden, 'utf8')).not.toMatch(/\+\d\.\d{3}s/);
    expect((await kspan(['replay', '--check', golden, INPUT])).code).toBe(0);
  });

  it('reads standard input for -', () => {
    const r = spawnSync(process.execPath, [MAIN, 'replay', '-'], { input: readFileSync(INPUT), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^trace [0-9a-f]{32} \(14 spans\)/);
  });

  it('reads a gzip-compressed log from standard input as the plain one', () => {
    const plain = spawnSync(process.execPath, [MAIN, 'replay', '-'], { input: readFileSync(INPUT), encoding: 'utf8' });
    const r = spawnSync(process.execPath, [MAIN, 'replay', '-'], { input: gzipped, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^trace [0-9a-f]{32} \(14 spans\)/);
    expect(r.stdout).toBe(plain.stdout);
  });

  it.each([
    [
      'an NDJSON log whose last line is cut short',
      'cut.ndjson',
      (whole: Buffer) => whole.subarray(0, whole.length - 30),
      /^kspan: .*cut\.ndjson:\d+: the last line is cut short \(no newline after it, not valid JSON\); the \d+ lines before it were read$/,
    ],
    [
      'a gzip-compressed log cut short',
      'cut.ndjson.gz',
      (whole: Buffer) => gzipSync(whole).subarray(0, gzipSync(whole).length - 40),
      /^kspan: .*cut\.ndjson\.gz: gzip data cut short \(unexpected end of file\); what came before it was read$/,
    ],
  ])('%s: what came before the cut is replayed, then one line and exit 2', async (_, name, cut, message) => {
    const whole = readFileSync(INPUT);
    const path = join(TMP, name);
    writeFileSync(path, cut(whole));
    // What a replay of the complete lines before the cut prints (the log's last record is the one cut).
    const before = join(TMP, `before-${name}.ndjson`);
    writeFileSync(before, whole.subarray(0, whole.lastIndexOf(10, whole.length - 2) + 1));
    const expected = await kspan(['replay', before]);
    const r = await kspan(['replay', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^trace [0-9a-f]{32} /);
    expect(r.stdout).toBe(expected.stdout);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('a kspan capture cut inside its last document: the documents before it are replayed, then one line and exit 2', async () => {
    const records = readFileSync(INPUT, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as InputRecord);
    const whole = toKspanCapture(records);
    const path = join(TMP, 'cut.yaml');
    writeFileSync(path, whole.slice(0, whole.length - 30));
    const before = join(TMP, 'before-cut.yaml');
    writeFileSync(before, whole.slice(0, whole.lastIndexOf('\n---\n') + 1));
    const expected = await kspan(['replay', before]);
    expect(expected.code).toBe(0);
    const r = await kspan(['replay', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^trace [0-9a-f]{32} /);
    expect(r.stdout).toBe(expected.stdout);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^kspan: .*cut\.yaml:\d+: the last document is cut short \(no newline after its last line, line \d+\); it was not replayed, the \d+ records before it were \(a whole file ends with a newline\)$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('an empty input file says so on stderr', async () => {
    const r = await kspan(['replay', join(DATA, 'empty.ndjson')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^kspan: no records in .*empty\.ndjson; nothing to replay\n$/);
  });

  it('help and version exit 0', async () => {
    expect((await kspan(['--help'])).code).toBe(0);
    expect((await kspan(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
