import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { growingPercentFor } from './heap-growth.ts';

/**
 * A child that keeps ~64 MiB alive and churns objects that live long enough to be promoted (as a replay's held
 * spans are), printing the largest heap it reached per byte alive at the end.
 */
const CHURN = `
const limit = process.argv[1] === 'limit';
if (limit) (await import(${JSON.stringify(join(import.meta.dirname, 'heap-growth.ts'))})).limitHeapGrowth();
const live = [];
for (let i = 0; i < 400_000; i++) live.push({ id: 'x'.repeat(40) + i, n: i });
let most = 0;
let window = [];
for (let round = 0; round < 60; round++) {
  for (let i = 0; i < 100_000; i++) window.push({ id: 'y'.repeat(40) + i, n: i, round });
  if (window.length > 300_000) window = window.slice(100_000);
  most = Math.max(most, process.memoryUsage().heapTotal);
}
globalThis.gc();
console.log(JSON.stringify({ ratio: most / process.memoryUsage().heapUsed, live: live.length + window.length }));
`;

/** Runs one of the children below as an ES module with `flags`, `mode` as its argument; the JSON it prints. */
function childJson<T>(script: string, mode: string, flags: readonly string[] = []): T {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script, mode], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

function ratio(mode: 'limit' | 'default'): number {
  return childJson<{ ratio: number }>(CHURN, mode, ['--expose-gc']).ratio;
}

describe('limitHeapGrowth', () => {
  it('keeps the heap within about twice what is alive, where V8 alone lets it grow further', () => {
    const limited = ratio('limit');
    // 1.5 times the old space alive, plus the young generation (~2.0 measured; ~2.5–2.6 with 100%); V8 alone ~4.9.
    expect(limited).toBeLessThan(2.3);
    expect(limited).toBeLessThan(ratio('default') * 0.8);
  }, 180_000); // two children of ~10 s each on a quiet machine; 121 s was seen at load 10
});

/**
 * A child that keeps most of what it allocates for a while (a ring of 300,000 objects, as a replay holds its spans),
 * turning the event loop between rounds (as a replay does between reads), printing its largest young generation.
 */
const SURVIVORS = `
const m = await import(${JSON.stringify(join(import.meta.dirname, 'heap-growth.ts'))});
if (process.argv[1] === 'cap') m.capYoungGeneration(4 * 1024 * 1024, 1);
const ring = new Array(300_000);
let most = 0;
for (let round = 0; round < 300; round++) {
  for (let i = 0; i < 5_000; i++) ring[(round * 5_000 + i) % ring.length] = { id: 'z'.repeat(30) + i, round };
  most = Math.max(most, m.youngGenerationBytes());
  await new Promise((resolve) => setTimeout(resolve, 1));
}
console.log(JSON.stringify({ most }));
`;

function youngMost(mode: 'cap' | 'default'): number {
  return childJson<{ most: number }>(SURVIVORS, mode).most;
}

describe('capYoungGeneration', () => {
  it('stops the young generation growing soon after the cap, where V8 alone grows it to 32 MiB', () => {
    const MiB = 1024 * 1024;
    expect(youngMost('default')).toBeGreaterThanOrEqual(16 * MiB);
    // One twofold growth past the cap at most between two looks.
    expect(youngMost('cap')).toBeLessThanOrEqual(8 * MiB);
  }, 60_000);
});

describe('growingPercentFor', () => {
  const MiB = 1024 * 1024;
  it('lets the heap grow by the slack budget past what is alive, between its floor and its ceiling', () => {
    expect(growingPercentFor(20 * MiB, 16 * MiB)).toBe(50); // 80% would be within budget: the ceiling
    expect(growingPercentFor(64 * MiB, 16 * MiB)).toBe(25);
    expect(growingPercentFor(100 * MiB, 16 * MiB)).toBe(16);
    expect(growingPercentFor(400 * MiB, 16 * MiB)).toBe(15); // 4%: the floor
    expect(growingPercentFor(0, 16 * MiB)).toBe(50); // nothing measured yet
    expect(growingPercentFor(100 * MiB, 16 * MiB, 10, 40)).toBe(16);
  });
});

/**
 * A child that keeps ~100 MiB alive and churns objects that live long enough to be promoted, turning the event loop
 * between rounds (the observer of full collections runs there, as in a replay between reads), printing the most its
 * old generation committed per byte alive at the end.
 */
const SLACK = `
const m = await import(${JSON.stringify(join(import.meta.dirname, 'heap-growth.ts'))});
const v8 = await import('node:v8');
if (process.argv[1] === 'slack') m.boundHeapSlack(8 * 1024 * 1024);
else m.limitHeapGrowth();
const old = () => v8.getHeapSpaceStatistics().filter((s) => s.space_name !== 'new_space');
const live = [];
for (let i = 0; i < 600_000; i++) live.push({ id: 'x'.repeat(60) + i, n: i });
let most = 0;
let window = [];
for (let round = 0; round < 80; round++) {
  for (let i = 0; i < 40_000; i++) window.push({ id: 'y'.repeat(40) + i, n: i, round });
  if (window.length > 200_000) window = window.slice(40_000);
  most = Math.max(most, old().reduce((n, s) => n + s.space_size, 0));
  await new Promise((resolve) => setImmediate(resolve));
}
globalThis.gc();
console.log(JSON.stringify({ ratio: most / old().reduce((n, s) => n + s.space_used_size, 0), live: live.length + window.length }));
`;

function oldRatio(mode: 'slack' | 'limit'): number {
  // Marking on the main thread: what the child allocates while a collection marks does not depend on the load.
  return childJson<{ ratio: number }>(SLACK, mode, ['--expose-gc', '--single-threaded-gc']).ratio;
}

describe('boundHeapSlack', () => {
  it('keeps a large live heap closer to what is alive than a growth in proportion to it does', () => {
    const slack = oldRatio('slack');
    const limit = oldRatio('limit');
    // ~100 MiB alive: 15% (the floor) past it against 50%, plus what is allocated while a collection marks. With
    // the collector on the main thread that overshoot is the same under load (1.28 against 1.64, three runs beside
    // two busy loops); with its marking threads it depended on their share of the CPU (1.45-1.58 against 1.68-1.86).
    expect(slack, JSON.stringify({ slack, limit })).toBeLessThan(1.5);
    expect(slack, JSON.stringify({ slack, limit })).toBeLessThan(limit - 0.1);
  }, 180_000); // two children of 8-12 s each on a quiet machine
});
