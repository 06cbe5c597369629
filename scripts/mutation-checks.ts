/**
 * Mutation checks: each entry breaks one rule or bound of the core on purpose, in a scratch copy of the
 * repository, and runs the core's tests there. A mutation the tests do not notice ("survived") is a rule
 * nothing guards. `node scripts/mutation-checks.ts [id…]`; prints one line per mutation and exits 1 if any
 * survived. Slow (one test run per mutation): not part of npm test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Mutation {
  readonly id: string;
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    id: 'swap object-cause and actor-cause',
    file: 'core/correlation-rules.ts',
    find: '  objectCause,\n  rememberedObjectCause,\n  actorCause,',
    replace: '  actorCause,\n  rememberedObjectCause,\n  objectCause,',
  },
  // Swapping node-cause and garbage-collection (or either with observed-child) is an equivalent mutant: the
  // three answer disjoint sets of events (core/correlation-rules.test.ts checks that on every scenario), so no
  // test can tell. What their place does decide is that each comes before object-cause, which answers their
  // events too:
  {
    id: 'node-cause after object-cause',
    file: 'core/correlation-rules.ts',
    find: '  nodeCause,\n  observedChild,\n  garbageCollection,\n  objectCause,',
    replace: '  observedChild,\n  garbageCollection,\n  objectCause,\n  nodeCause,',
  },
  {
    id: 'garbage-collection after object-cause',
    file: 'core/correlation-rules.ts',
    find: '  garbageCollection,\n  objectCause,',
    replace: '  objectCause,\n  garbageCollection,',
  },
  {
    id: 'no object pruning',
    file: 'core/object-store.ts',
    find: '  prune(deletedBeforeUs: number, staleBeforeUs: number): void {',
    replace:
      '  prune(deletedBeforeUs: number, staleBeforeUs: number): void {\n    if (deletedBeforeUs === deletedBeforeUs) return;',
  },
  {
    id: 'no one-hour trace limit',
    file: 'core/trace-assembler.ts',
    find: 'const tooOld = nowUs - trace.openedUs >= maxTraceUs;',
    replace: 'const tooOld = maxTraceUs < 0;',
  },
  {
    id: 'no repeat cap',
    file: 'core/repeat-occurrence.ts',
    find: 'if (span.events.length < maxRepeatEvents) {',
    replace: 'if (maxRepeatEvents === maxRepeatEvents) {',
  },
  {
    id: 'no related retarget',
    file: 'core/retarget-rules.ts',
    find: "return { actor, object: event.related, rule: 'related' };",
    replace: '// (removed)',
  },
  {
    id: 'no earlier-occurrence rule',
    file: 'core/correlation-rules.ts',
    find: '  topLevelEvent,\n  earlierOccurrence,',
    replace: '  topLevelEvent,',
  },
  {
    id: 'no remembered-object-cause rule',
    file: 'core/correlation-rules.ts',
    find: '  objectCause,\n  rememberedObjectCause,',
    replace: '  objectCause,',
  },
  {
    id: 'no top-level-event rule',
    file: 'core/correlation-rules.ts',
    find: '  topLevelEvent,\n',
    replace: '',
  },
  {
    id: 'no Event TTL in the memory',
    file: 'core/event-memory.ts',
    find: 'return ref !== undefined && timeUs - ref.lastUs <= this.options.ttlUs ? ref : undefined;',
    replace: 'return ref;',
  },
  {
    id: 'no scale ledger (from unknown without "from")',
    file: 'core/scale-ledger.ts',
    find: '    const known = this.sizes.get(setKey);',
    replace: '    if (setKey !== "") return undefined;\n    const known = this.sizes.get(setKey);',
  },
  {
    id: 'no generation by resourceVersion',
    file: 'core/object-store.ts',
    find: '    if (refRevision !== undefined) {',
    replace: '    if (refRevision === -1) {',
  },
  {
    id: 'no old-kubelet stop wording',
    file: 'core/retarget-rules.ts',
    find: '|Killing container with id \\S+?: ?Need to kill Pod',
    replace: '',
  },
  {
    id: 'no "to N from M" wording',
    file: 'core/retarget-rules.ts',
    find: 'to (\\d+)(?: from (\\d+))?',
    replace: 'to (\\d+)()',
  },
  {
    id: 'no implausible-time guard',
    file: 'core/plausible-time.ts',
    find: 'if (t <= receivedUs + limits.aheadUs && t >= receivedUs - limits.behindUs) return event;',
    replace: 'return event;',
  },
  {
    id: 'no aggregation prefix stripped ("(combined from similar events): ")',
    file: 'core/retarget-rules.ts',
    find: "return message.replace(AGGREGATED, '');",
    replace: 'return message;',
  },
  {
    id: "an aggregated Event's later action is a repeat",
    file: 'core/engine.ts',
    find: 'isAnotherAction(existing, event, actorKey !== objKey)',
    replace: 'false',
  },
  {
    id: 'scale entry counts when the replicas did not change',
    file: 'core/object-store.ts',
    find: "(scaled || e.subresource !== 'scale')",
    replace: 'true',
  },
  {
    id: 'owners by name, not uid',
    file: 'core/owner-chain.ts',
    find: 'let next = objects.getByUid(owner.key, owner.ref.uid);',
    replace: 'let next = objects.get(owner.key);',
  },
  {
    id: 'no forgetting of forgotten roots',
    file: 'core/trace-assembler.ts',
    find: 'if (f.lastUs >= before) break;',
    replace: 'if (f.lastUs === f.lastUs) break;',
  },
  {
    id: 'no bound on held spans',
    file: 'core/engine.ts',
    find: '    this.traces.shed();',
    replace: '',
  },
  {
    id: 'a shed trace keeps its due entries',
    file: 'core/trace-assembler.ts',
    find: 'this.due.retain((e) => !e.trace.expired && e.token === e.trace.dueToken);',
    replace: 'this.due.retain(() => true);',
  },
  {
    id: 'emitted spans keep their attributes',
    file: 'core/trace-assembler.ts',
    find: '      releaseEmitted(s);',
    replace: '',
  },
  {
    id: 'dedupe without the Event TTL',
    file: 'core/occurrence-dedupe.ts',
    find: ' || event.timeUs - this.generationUs >= this.ttlUs',
    replace: '',
  },
  {
    id: 'a deletion known only by its arrival dated at its arrival',
    file: 'core/object-store.ts',
    find: 'marked ?? atUs - this.deliveryDelayUs,',
    replace: 'marked ?? atUs,',
  },
  {
    id: 'an event naming a Pod by name takes the namesake that arrived first',
    file: 'core/object-store.ts',
    find: 'return (ends ? created >= timeUs : created > timeUs) ? current.previous : current;',
    replace: 'return current;',
  },
  {
    id: 'a first generation dated by its snapshot is not approximate',
    file: 'core/object-store.ts',
    find: 'approximate: change.timeUs === undefined && created === undefined,',
    replace: 'approximate: change.timeUs === undefined && previous !== undefined,',
  },
  {
    id: 'a first generation dated by its newest managedFields entry rather than its creation',
    file: 'core/object-store.ts',
    find: '(generation === 1 ? created : undefined) ?? ',
    replace: '',
  },
  {
    id: 'due entries of shed traces kept',
    file: 'core/trace-assembler.ts',
    find: 'until their idle time.\n    this.due.retain((e) => !e.trace.expired && e.token === e.trace.dueToken);',
    replace: 'until their idle time.',
  },
  {
    id: 'string pool unbounded',
    file: 'core/string-pool.ts',
    find: 'if (this.pool.size >= this.capacity) this.pool.clear();',
    replace: '',
  },
  {
    id: 'object store keeps the snapshot owner references',
    file: 'core/object-store.ts',
    find: 'state.owners = ownersOf(meta.ownerReferences);',
    replace: 'state.owners = (meta.ownerReferences ?? []) as OwnerReference[];',
  },
  {
    id: 'the close keeps every emitted trace until the last is out',
    file: 'core/trace-assembler.ts',
    find: '      this.emit(t);\n      this.retainedSpans -= t.retained.length;\n      t.retained = NO_SPANS;',
    replace: '      this.emit(t);',
  },
  {
    id: 'event records never let go',
    file: 'core/event-index.ts',
    find: '      this.entries.delete(e.uid);',
    replace: '',
  },
  {
    id: 'pair keys unbounded',
    file: 'core/pair-keys.ts',
    find: 'if (this.pairs >= this.capacity) {',
    replace: 'if (this.pairs < 0) {',
  },
  {
    id: 'the closed engine keeps its object store',
    file: 'core/engine.ts',
    find: '    this.objects = new ObjectStore();\n',
    replace: '',
  },
];

const ROOT = join(import.meta.dirname, '..');
const TESTS = ['core', 'scenarios', 'simulator/accuracy.test.ts'];

function check(m: Mutation): { survived: boolean; failed: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kspan-mutant-'));
  try {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
      .toString()
      .split('\n')
      .filter((f) => f !== '' && !f.startsWith('node_modules/'));
    for (const f of files) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const path = join(dir, m.file);
    const source = readFileSync(path, 'utf8');
    if (!source.includes(m.find))
      throw new Error(`mutation "${m.id}" does not apply: ${m.file} has no ${JSON.stringify(m.find)}`);
    writeFileSync(path, source.replace(m.find, m.replace));
    const run = spawnSync('npx', ['vitest', 'run', ...TESTS, '--reporter=dot'], { cwd: dir, encoding: 'utf8' });
    const out = `${run.stdout}${run.stderr}`;
    const failed = [...new Set([...out.matchAll(/FAIL\s+(\S+\.test\.ts)/g)].map((x) => x[1] ?? ''))];
    return { survived: run.status === 0, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  let survivors = 0;
  for (const m of MUTATIONS) {
    if (only.length > 0 && !only.some((o) => m.id.includes(o))) continue;
    const r = check(m);
    if (r.survived) survivors++;
    process.stdout.write(
      `${r.survived ? 'SURVIVED' : 'killed  '}  ${m.id}${r.failed.length > 0 ? `  (${r.failed.join(', ')})` : ''}\n`,
    );
  }
  process.exitCode = survivors > 0 ? 1 : 0;
}
