import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageTree, type ImageTree } from './test-support/image-tree.ts';

// The container image, tested without a container engine: its file tree is rebuilt from the Dockerfile's
// COPY lines and .dockerignore, with production dependencies only (the deps stage's `npm ci --omit=dev`,
// run offline and cached by lock file), and its ENTRYPOINT is run with this Node, the version the image ships.
const REPO = join(import.meta.dirname, '..');
const CACHE = join(REPO, 'node_modules', '.cache', 'kspan-image-deps');
const out = mkdtempSync(join(tmpdir(), 'kspan-image-'));
let image: ImageTree;

beforeAll(() => {
  image = buildImageTree(REPO, out, CACHE);
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function start(
  args: readonly string[],
  removed: readonly string[] = [],
): { code: number | null; out: string; err: string } {
  const [program, ...entry] = image.entrypoint;
  expect(program).toBe('node');
  for (const folder of removed) rmSync(join(image.root, image.workdir, folder), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: join(image.root, image.workdir),
    // The image's environment: what its ENV lines set, no OTLP endpoint from this shell.
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...image.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the container image', () => {
  it('ships the Node version package.json pins (type stripping needs ≥ 22.18)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
      engines: { node: string };
    };
    const tag = /^node:(\d+)\.(\d+)/.exec(image.baseImage);
    expect(tag, image.baseImage).not.toBeNull();
    const [major, minor] = [Number(tag?.[1]), Number(tag?.[2])];
    const pinned = /(\d+)\.(\d+)/.exec(pkg.devDependencies.node ?? '');
    expect([major, minor]).toEqual([Number(pinned?.[1]), Number(pinned?.[2])]);
    expect(process.version.startsWith(`v${major}.${minor}.`), `tests run on ${process.version}`).toBe(true);
    const engines = /(\d+)\.(\d+)/.exec(pkg.engines.node);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(engines?.[1]) * 1000 + Number(engines?.[2]));
  });

  it('holds no tests, dev tooling or docs, and every file is readable by its unprivileged user', () => {
    expect(image.user).toBe('1000:1000');
    expect(image.copied.length).toBeGreaterThan(20);
    expect(image.copied.filter((p) => /\.test\.ts$|test-support|testdata|^\/app\/(e2e|docs|deploy)\//.test(p))).toEqual(
      [],
    );
    for (const p of image.copied) expect(statSync(join(image.root, p)).mode & 0o004, p).toBe(0o004);
    expect(image.cmd).toEqual(['run']);
  });

  it('`kspan run --help` starts and lists the production flags', () => {
    const r = start(['run', '--help']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--otlp-endpoint <url>/);
    expect(r.out).toMatch(/--leader-elect/);
  });

  it('`kspan replay` of a bundled scenario prints its trace tree', () => {
    const r = start([
      'replay',
      '--rules',
      '--check',
      'scenarios/deployment-create/golden.tree',
      'scenarios/deployment-create/input.ndjson',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const printed = start(['replay', 'scenarios/deployment-create/input.ndjson']);
    expect(printed.out).toMatch(/^trace [0-9a-f]{32} \(14 spans\)\nDeployment\.Update {2}kubectl-client-side-apply/);
  });

  it('`kspan demo` prints the bundled rollout', () => {
    const r = start(['demo']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Deployment\.ScalingReplicaSet {2}deployment-controller {2}"Scaled up replica set web-/);
    expect(r.err).toMatch(/set OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('`kspan replay --output html` writes the timeline page', () => {
    const page = join(out, 'report.html');
    const r = start(['replay', '-o', 'html', '-O', page, 'scenarios/deployment-create/input.ndjson']);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(page, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('`kspan simulate` works in the image too', () => {
    const r = start(['simulate', 'rolling-update', '--output', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^\{"type":/);
  });

  it('a folder missing from the image breaks only its own commands', () => {
    const r = start(['replay', 'scenarios/deployment-create/input.ndjson'], ['simulator']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trace [0-9a-f]{32} \(14 spans\)/);
    const broken = start(['simulate', 'rolling-update']);
    expect(broken.code).toBe(70);
    expect(broken.err).toMatch(
      /^kspan: simulate is unavailable in this installation: cannot load simulator\/commands\.ts/,
    );
    expect(broken.err.trim().split('\n')).toHaveLength(1);
  });
});
