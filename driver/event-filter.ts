import type { KubeEvent } from '../core/index.ts';
import { involvedObjectOf } from './event-fields.ts';

/** Which events to turn into spans; empty lists mean "all". */
export interface EventFilterOptions {
  readonly namespaces?: readonly string[];
  readonly excludeNamespaces?: readonly string[];
  /** Involved-object kinds, e.g. Pod, Deployment (case-insensitive). */
  readonly kinds?: readonly string[];
  /** Normal, Warning (case-insensitive). */
  readonly eventTypes?: readonly string[];
}

/** Include/exclude namespaces, involved-object kinds and event types. */
export class EventFilter {
  private readonly namespaces: Set<string>;
  private readonly excluded: Set<string>;
  private readonly kinds: Set<string>;
  private readonly types: Set<string>;

  constructor(options: EventFilterOptions = {}) {
    this.namespaces = new Set(options.namespaces ?? []);
    this.excluded = new Set(options.excludeNamespaces ?? []);
    this.kinds = new Set((options.kinds ?? []).map((k) => k.toLowerCase()));
    this.types = new Set((options.eventTypes ?? []).map((t) => t.toLowerCase()));
  }

  /** Why the event is filtered out (namespace, kind, type), or undefined when it is kept. */
  reject(event: KubeEvent): 'namespace' | 'kind' | 'type' | undefined {
    const involved = involvedObjectOf(event);
    const ns = event.metadata?.namespace ?? involved?.namespace ?? '';
    if (this.namespaces.size > 0 && !this.namespaces.has(ns)) return 'namespace';
    if (this.excluded.has(ns)) return 'namespace';
    if (this.kinds.size > 0 && !this.kinds.has((involved?.kind ?? '').toLowerCase())) return 'kind';
    if (this.types.size > 0 && !this.types.has((event.type ?? '').toLowerCase())) return 'type';
    return undefined;
  }
}
