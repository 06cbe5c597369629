import { readFile } from 'node:fs/promises';
import { BUILT_IN_RETARGET_RULES, type RetargetRule } from '../core/index.ts';
import { UserError } from './user-error.ts';

/** A custom controller a rules file describes: its kind, where the API serves it, and its retarget rules. */
export interface ControllerKind {
  readonly kind: string;
  /** `group/version` of the kind (`argoproj.io/v1alpha1`): `kspan run` reads objects of this kind there. */
  readonly apiVersion?: string;
}

/** What a controller rules file (`--controllers FILE`) adds to the engine. */
export interface ControllerRules {
  readonly kinds: readonly ControllerKind[];
  readonly retargetRules: readonly RetargetRule[];
}

export const NO_CONTROLLER_RULES: ControllerRules = { kinds: [], retargetRules: [] };

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const API_VERSION = /^(?:[a-z0-9.-]+\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;

class Problem extends Error {}

function fieldsOf(value: unknown, at: string, allowed: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Problem(`${at}: expected a mapping`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new Problem(`${at}: unknown field ${JSON.stringify(unknown[0])} (allowed: ${allowed.join(', ')})`);
  return value as Record<string, unknown>;
}

function stringAt(o: Record<string, unknown>, key: string, at: string, shape?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new Problem(`${at}.${key}: expected a non-empty string`);
  if (shape !== undefined && !shape.test(v))
    throw new Problem(`${at}.${key}: ${JSON.stringify(v)} does not match ${shape.source}`);
  return v;
}

function listAt(o: Record<string, unknown>, key: string, at: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0) throw new Problem(`${at}.${key}: expected a non-empty list`);
  return v;
}

function patternAt(o: Record<string, unknown>, at: string): RegExp {
  const source = stringAt(o, 'pattern', at);
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (err) {
    throw new Problem(`${at}.pattern: not a regular expression (${(err as Error).message})`);
  }
  // Which groups the pattern has: matched against nothing, a pattern with N groups reports N + 1 slots.
  const groups = new RegExp(`${source}|`).exec('') as RegExpExecArray;
  const named = Object.keys(groups.groups ?? {});
  if (!named.includes('child') && groups.length < 2)
    throw new Problem(`${at}.pattern: needs a group that captures the child's name: (?<child>\\S+)`);
  if (named.includes('to') && !named.includes('direction') && !named.includes('from'))
    throw new Problem(`${at}.pattern: a scaling with (?<to>…) also needs (?<from>\\d+) or (?<direction>up|down)`);
  for (const n of named)
    if (!['child', 'to', 'from', 'direction'].includes(n))
      throw new Problem(`${at}.pattern: unknown group (?<${n}>…) (kspan reads child, to, from, direction)`);
  return pattern;
}

/** Validates a parsed controller rules document; `source` names it in errors. */
export function controllerRulesFrom(doc: unknown, source: string): ControllerRules {
  try {
    const top = fieldsOf(doc, '(top)', ['controllers']);
    const kinds: ControllerKind[] = [];
    const retargetRules: RetargetRule[] = [];
    const ids = new Set(BUILT_IN_RETARGET_RULES.map((r) => r.id));
    listAt(top, 'controllers', '(top)').forEach((c, i) => {
      const at = `controllers[${i}]`;
      const controller = fieldsOf(c, at, ['kind', 'apiVersion', 'retarget']);
      const kind = stringAt(controller, 'kind', at, KIND);
      const apiVersion =
        controller.apiVersion === undefined ? undefined : stringAt(controller, 'apiVersion', at, API_VERSION);
      kinds.push(apiVersion === undefined ? { kind } : { kind, apiVersion });
      listAt(controller, 'retarget', at).forEach((r, j) => {
        const rat = `${at}.retarget[${j}]`;
        const rule = fieldsOf(r, rat, ['id', 'reasons', 'child', 'pattern', 'observes']);
        const id = stringAt(rule, 'id', rat, ID);
        if (ids.has(id)) throw new Problem(`${rat}.id: ${JSON.stringify(id)} is already a rule's id`);
        ids.add(id);
        const reasons = listAt(rule, 'reasons', rat).map((x, k) => {
          if (typeof x !== 'string' || x === '') throw new Problem(`${rat}.reasons[${k}]: expected a reason`);
          return x;
        });
        const observes = rule.observes;
        if (observes !== undefined && typeof observes !== 'boolean')
          throw new Problem(`${rat}.observes: expected true or false`);
        retargetRules.push({
          id,
          actorKind: kind,
          reasons,
          childKind: stringAt(rule, 'child', rat, KIND),
          pattern: patternAt(rule, rat),
          ...(observes === true ? { observes: true } : {}),
        });
      });
    });
    return { kinds, retargetRules };
  } catch (err) {
    if (err instanceof Problem) throw new UserError(`${source}: ${err.message}`);
    throw err;
  }
}

/** Reads and validates controller rules files (YAML or JSON), in order. */
export async function readControllerRules(files: readonly string[]): Promise<ControllerRules> {
  if (files.length === 0) return NO_CONTROLLER_RULES;
  const { parse } = await import('yaml');
  const all: ControllerRules[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UserError(
        `--controllers: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new UserError(`--controllers ${file}: not YAML (${(err as Error).message.split('\n')[0]})`);
    }
    all.push(controllerRulesFrom(doc, `--controllers ${file}`));
  }
  const ids = new Set<string>();
  for (const r of all.flatMap((x) => x.retargetRules)) {
    if (ids.has(r.id)) throw new UserError(`--controllers: rule id ${JSON.stringify(r.id)} appears in two files`);
    ids.add(r.id);
  }
  return { kinds: all.flatMap((x) => x.kinds), retargetRules: all.flatMap((x) => x.retargetRules) };
}
