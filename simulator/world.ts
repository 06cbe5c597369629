import type { KubeEvent, KubeObject, ObjectReference } from '../core/index.ts';
import { renderEvent, type EventApi, type EventHandle } from './event-render.ts';
import { nameSuffix, uuid } from './names.ts';
import { Rng } from './prng.ts';
import { PROFILES, type K8sProfile } from './k8s-profile.ts';
import { toKube, type SimObject } from './sim-object.ts';
import type { Cause, Happening, Story, TruthEvent, TruthRoot } from './story.ts';

/** What a generator says about one Event it makes happen. */
export interface EventSpec {
  readonly api?: EventApi;
  readonly involved: SimObject;
  readonly fieldPath?: string;
  readonly related?: SimObject;
  readonly reason: string;
  readonly message: string;
  readonly type?: 'Normal' | 'Warning';
  readonly component: string;
  readonly host?: string;
  readonly instance?: string;
  readonly action?: string;
  readonly timeUs: number;
  readonly cause: Cause;
  readonly ambiguityKey?: string;
}

/** Options of a simulated cluster. */
export interface WorldOptions {
  readonly seed: number;
  /** Start of the simulation, microseconds since the epoch. */
  readonly startUs?: number;
  readonly namespace?: string;
  /** The Kubernetes era whose Events and objects the cluster writes (default: `default`). */
  readonly profile?: K8sProfile;
}

/** Where, when and on which Kubernetes a scenario happens (defaults: namespace `default`, 2024-05-05T16:22:00Z). */
export type WorldPlace = Partial<Pick<WorldOptions, 'startUs' | 'namespace' | 'profile'>>;

const SERIES_REFRESH_US = 30 * 60 * 1_000_000;
const SERIES_FINISH_US = 6 * 60 * 1_000_000;

const DEFAULT_START_US = Date.UTC(2024, 4, 5, 16, 22, 0) * 1000;

/** A simulated cluster: generators write objects and events into it; `finish` yields the story. */
export class World {
  readonly rng: Rng;
  readonly seed: number;
  readonly namespace: string;
  readonly startUs: number;
  readonly profile: K8sProfile;
  readonly #happenings: { seq: number; h: Happening }[] = [];
  readonly #roots: Record<string, TruthRoot> = {};
  readonly #rootChangeUs = new Map<string, number>();
  readonly #events: Record<string, TruthEvent> = {};
  readonly #handles: EventHandle[] = [];
  /** events.k8s.io series with occurrences not written yet (see K8sProfile.seriesRefresh): last write time. */
  readonly #unwritten = new Map<EventHandle, number>();
  readonly #lastWrite = new Map<EventHandle, number>();
  #seq = 0;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.rng = new Rng(options.seed);
    this.namespace = options.namespace ?? 'default';
    this.startUs = options.startUs ?? DEFAULT_START_US;
    this.profile = options.profile ?? (PROFILES['default'] as K8sProfile);
  }

  /** A fresh metadata.uid. */
  uid(): string {
    return uuid(this.rng);
  }

  /** A generated name: `<base>-<5 chars>`. */
  generateName(base: string): string {
    return `${base}-${nameSuffix(this.rng)}`;
  }

  /** The object as written at `timeUs` (a snapshot the API server would serve), or its deletion. */
  write(obj: SimObject, timeUs: number, deleted = false): void {
    const object = toKube(obj);
    if (!this.profile.managedFields && object.metadata !== undefined)
      delete (object.metadata as { managedFields?: unknown }).managedFields;
    this.#push({ type: 'object', timeUs, deleted, object });
  }

  /** The root span of the object's current generation; registers it in the truth. */
  root(obj: SimObject): Cause {
    const generation = obj.generation ?? 0;
    const key = `root:${obj.uid}:${generation}`;
    if (!this.#rootChangeUs.has(key))
      this.#rootChangeUs.set(key, Math.max(obj.creationUs, ...obj.managedFields.map((m) => m.time)));
    this.#roots[key] = {
      kind: obj.kind,
      ...(obj.namespace === undefined ? {} : { namespace: obj.namespace }),
      name: obj.name,
      uid: obj.uid,
      generation,
    };
    return { parent: key, trace: key };
  }

  /** Records an Event (first occurrence) and its true cause. */
  event(spec: EventSpec): EventHandle {
    const api = spec.api ?? 'core/v1';
    const nanos = BigInt(spec.timeUs) * 1000n + BigInt(this.rng.int(0, 999));
    const handle: EventHandle = {
      uid: this.uid(),
      name: `${spec.involved.name}.${nanos.toString(16)}`,
      api,
      involved: spec.involved,
      reason: spec.reason,
      message: spec.message,
      type: spec.type ?? 'Normal',
      component: spec.component,
      firstUs: spec.timeUs,
      lastUs: spec.timeUs,
      count: 1,
      cause: spec.cause,
      ...(spec.fieldPath === undefined ? {} : { fieldPath: spec.fieldPath }),
      ...(spec.related === undefined ? {} : { related: spec.related }),
      ...(spec.host === undefined ? {} : { host: spec.host }),
      ...(spec.instance === undefined ? {} : { instance: spec.instance }),
      ...(spec.action === undefined ? {} : { action: spec.action }),
      ...(spec.ambiguityKey === undefined ? {} : { ambiguityKey: spec.ambiguityKey }),
    };
    this.#handles.push(handle);
    this.#events[handle.uid] = {
      parent: spec.cause.parent,
      trace: spec.cause.trace,
      kind: spec.involved.kind,
      name: spec.involved.name,
      reason: spec.reason,
    };
    this.#push({ type: 'event', timeUs: spec.timeUs, watch: 'ADDED', event: renderEvent(handle, this.profile) });
    return handle;
  }

  /**
   * The same Event observed again: count grows, delivered as MODIFIED. A series written through
   * events.k8s.io is written at its second occurrence, then only every 30 min and when it ends
   * (client-go tools/events refreshTime / finishTime), when the profile says so.
   */
  repeat(handle: EventHandle, timeUs: number): void {
    const batched = this.profile.seriesRefresh && handle.api === 'events.k8s.io/v1';
    if (batched) {
      // The refresher's writes due before this occurrence carry the series as it stood.
      const lastWrite = this.#unwritten.get(handle);
      if (lastWrite !== undefined && lastWrite + SERIES_REFRESH_US <= timeUs) {
        this.#pushEvent(handle, lastWrite + SERIES_REFRESH_US);
        this.#unwritten.delete(handle);
        this.#lastWrite.set(handle, lastWrite + SERIES_REFRESH_US);
      }
    }
    handle.count += 1;
    handle.lastUs = timeUs;
    if (!batched || handle.count === 2) {
      this.#pushEvent(handle, timeUs);
      this.#lastWrite.set(handle, timeUs);
      return;
    }
    if (!this.#unwritten.has(handle)) this.#unwritten.set(handle, this.#lastWrite.get(handle) ?? handle.firstUs);
  }

  #pushEvent(handle: EventHandle, timeUs: number): void {
    this.#push({ type: 'event', timeUs, watch: 'MODIFIED', event: renderEvent(handle, this.profile) });
  }

  /** The finished story: happenings in true-time order with resourceVersions, and the truth. */
  finish(name: string): Story {
    // Series still holding occurrences are written by the next refresh or when they finish (6 min quiet).
    for (const [handle, lastWrite] of this.#unwritten)
      this.#pushEvent(handle, Math.min(lastWrite + SERIES_REFRESH_US, handle.lastUs + SERIES_FINISH_US));
    this.#unwritten.clear();
    const ordered = [...this.#happenings].sort((a, b) => a.h.timeUs - b.h.timeUs || a.seq - b.seq);
    let rv = 40_000 + this.rng.int(0, 9_999);
    const objectRevision = new Map<string, number>();
    const refs = this.profile.refResourceVersion;
    const happenings = ordered.map(({ h }): Happening => {
      rv += this.rng.int(1, 7);
      if (h.type === 'object') objectRevision.set(h.object.metadata?.uid ?? '', rv);
      return h.type === 'event'
        ? { ...h, event: withResourceVersion(refs ? withRefRevision(h.event, objectRevision) : h.event, rv) }
        : { ...h, object: withResourceVersion(h.object, rv) };
    });
    return {
      name,
      seed: this.seed,
      happenings,
      truth: { scenario: name, seed: this.seed, roots: this.#roots, events: this.#markAmbiguous() },
    };
  }

  #markAmbiguous(): Record<string, TruthEvent> {
    const byKey = new Map<string, number>();
    for (const h of this.#handles)
      if (h.ambiguityKey !== undefined) byKey.set(h.ambiguityKey, (byKey.get(h.ambiguityKey) ?? 0) + 1);
    const lookAlike = new Set(
      this.#handles.filter((h) => (byKey.get(h.ambiguityKey ?? '') ?? 0) > 1).map((h) => h.uid),
    );
    // A whole-second event whose root generation was superseded within that same second: either fits.
    const second = (us: number): number => Math.floor(us / 1_000_000);
    const rootRace = new Set(
      this.#handles
        .filter((h) => {
          const m = /^root:(.+):(\d+)$/.exec(h.cause.parent);
          if (h.api !== 'core/v1' || m === null) return false;
          const next = this.#rootChangeUs.get(`root:${m[1] ?? ''}:${Number(m[2]) + 1}`);
          return next !== undefined && second(next) === second(h.firstUs);
        })
        .map((h) => h.uid),
    );
    const out: Record<string, TruthEvent> = {};
    for (const [uid, t] of Object.entries(this.#events))
      out[uid] = lookAlike.has(t.parent) || rootRace.has(uid) ? { ...t, ambiguous: true } : t;
    return out;
  }

  #push(h: Happening): void {
    this.#happenings.push({ seq: this.#seq++, h });
  }
}

/** The event's reference names the object's resourceVersion as last written (what its reporter saw). */
function withRefRevision(event: KubeEvent, revisions: ReadonlyMap<string, number>): KubeEvent {
  const e = event as { involvedObject?: ObjectReference; regarding?: ObjectReference };
  const key = e.involvedObject !== undefined ? 'involvedObject' : 'regarding';
  const ref = e[key];
  const rv = revisions.get(ref?.uid ?? '');
  return ref === undefined || rv === undefined ? event : { ...event, [key]: { ...ref, resourceVersion: String(rv) } };
}

function withResourceVersion<T extends KubeObject>(obj: T, rv: number): T {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}
