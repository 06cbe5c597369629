import { formatTimeUs } from '../core/index.ts';
import type { Clock } from './clock.ts';
import { KubeApiError, explainKubeApiError } from './kube-api-error.ts';
import type { KubeApi } from './kube-api.ts';
import type { Logger } from './logger.ts';

/** Options of `LeaderElector`. */
export interface LeaderElectorOptions {
  readonly api: KubeApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** kspan's own namespace. */
  readonly namespace: string;
  readonly name?: string;
  /** This replica (the pod name). */
  readonly identity: string;
  readonly leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down. */
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** `renewSoon` makes attempts at most this often (default 200 ms)… */
  readonly minRenewIntervalMs?: number;
  /** …and writes the checkpoint at most at this rate (default 64 KiB/s: a 130 KiB one every 2 s, as renewals do). */
  readonly maxCheckpointBytesPerSecond?: number;
  readonly onChange?: (leader: boolean) => void;
  /** Called after each successful renewal (the checkpoint was written). */
  readonly onRenewed?: () => void;
  /**
   * A small state the leader keeps in the Lease (an annotation), written at each renewal and at release, read
   * by every replica at each attempt: the export checkpoint.
   */
  readonly checkpoint?: LeaseCheckpoint;
  /** `host:port` of this replica's status server, kept in the Lease while it leads (see leader-handover.ts). */
  readonly endpoint?: () => string | undefined;
  /**
   * Called when this replica takes the Lease over from a holder that did not release it (its lease expired), before
   * it becomes the leader, with that holder's identity and the endpoint it kept in the Lease.
   */
  readonly onTakeover?: (previous: { identity: string; endpoint: string | undefined }) => void;
}

/** What the leader stores in its Lease, and every replica reads from it. */
export interface LeaseCheckpoint {
  /** The annotation's value as the last holder wrote it (undefined: none). */
  read(value: string | undefined): void;
  /** The value to store now. */
  write(): string;
  /** The value last returned by `write` is stored (the update that carried it succeeded). */
  written?(): void;
}

/** The Lease annotation that holds the export checkpoint. */
export const CHECKPOINT_ANNOTATION = 'kspan.io/export-checkpoint';

/** The Lease annotation with the holder's status endpoint (`host:port`), for the hand-over. */
export const ENDPOINT_ANNOTATION = 'kspan.io/holder-endpoint';

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: the holder renews every retry
 * period; another replica takes the lease over once it has seen no renewal for a lease duration (measured on
 * its own clock, so clock skew between nodes does not matter); updates are optimistic (resourceVersion).
 */
export class LeaderElector {
  private readonly options: LeaderElectorOptions;
  private leader = false;
  private observed: { key: string; atMs: number } | undefined;
  private lastRenewMs = 0;
  private cancel: (() => void) | undefined;
  private timerAt = Infinity;
  private attempting = false;
  private lastAttemptMs = -Infinity;
  private soon = false;
  private lastCheckpointBytes = 0;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectorOptions) {
    this.options = options;
  }

  /** True while this replica holds the lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * True while this replica leads and renewed (wrote its checkpoint) within the last two retry periods and a
   * second: spans it exports while it cannot write the checkpoint would be exported again by the next leader.
   */
  get mayExport(): boolean {
    return (
      this.leader && this.options.clock.now() - this.lastRenewMs <= 2 * (this.options.retryPeriodMs ?? 2000) + 1000
    );
  }

  /** Clock time of the last successful renewal (the checkpoint was written then). */
  get lastRenewedMs(): number {
    return this.lastRenewMs;
  }

  /**
   * Asks for an early renewal (which writes the checkpoint), at most every `minRenewIntervalMs`: the export gate
   * uses it to record what was just exported, and to make sure the API is reachable before sending more.
   */
  renewSoon(): void {
    if (this.stopped || !this.leader) return;
    if (this.attempting) {
      this.soon = true;
      return;
    }
    this.schedule(this.soonDelay());
  }

  private soonDelay(): number {
    const rate = this.options.maxCheckpointBytesPerSecond ?? 64 * 1024;
    const min = Math.max(this.options.minRenewIntervalMs ?? 200, (this.lastCheckpointBytes / rate) * 1000);
    return Math.max(0, this.lastAttemptMs + min - this.options.clock.now());
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
  }

  private get leaseName(): string {
    return this.options.name ?? 'kspan';
  }

  /** Makes a first attempt (rejecting with an actionable error if the Lease cannot be read), then keeps trying. */
  async start(): Promise<void> {
    try {
      await this.options.api.get(`${this.path}/${this.leaseName}`);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw explainKubeApiError(err, this.options.api.server);
    }
    await this.guardedAttempt();
    this.schedule();
  }

  /**
   * At shutdown, a replica that does not lead makes one attempt at once, by the usual rules, instead of waiting for
   * its next retry: it takes back its own lease that it could not renew in time (an API that stalled for the renew
   * deadline), or a released or expired one, so that what it holds is exported now rather than left to a next
   * leader that may never come (one replica, the last pod of a rollout). A lease another replica holds and renews
   * is left alone (no split brain). Resolves with whether this replica leads; renewals go on until `stop`.
   */
  async leadBeforeStop(): Promise<boolean> {
    if (this.stopped || this.leader) return this.leader;
    this.cancel?.();
    this.cancel = undefined;
    this.timerAt = Infinity;
    await this.running;
    if (!this.leader) {
      this.running = this.guardedAttempt();
      await this.running;
    }
    this.schedule();
    return this.leader;
  }

  /** Stops; a leader releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.timerAt = Infinity;
    await this.running;
    if (!this.leader) return;
    try {
      const lease = await this.options.api.get<Lease>(`${this.path}/${this.leaseName}`);
      if (lease.spec.holderIdentity === this.options.identity) {
        await this.options.api.send('PUT', `${this.path}/${this.leaseName}`, {
          ...lease,
          metadata: this.withCheckpoint(lease.metadata),
          spec: { ...lease.spec, holderIdentity: '', renewTime: this.now() },
        });
        this.options.checkpoint?.written?.();
      }
    } catch (err) {
      this.options.logger.warn('could not release the leader lease; another replica takes over when it expires', {
        error: (err as Error).message,
      });
    }
    this.setLeader(false);
  }

  /** Arms the next attempt in `delayMs` (a retry period by default), unless one is due sooner. */
  private schedule(delayMs = this.options.retryPeriodMs ?? 2000): void {
    if (this.stopped) return;
    const at = this.options.clock.now() + delayMs;
    if (at >= this.timerAt) return;
    this.cancel?.();
    this.timerAt = at;
    this.cancel = this.options.clock.schedule(delayMs, () => {
      this.timerAt = Infinity;
      this.cancel = undefined;
      this.running = this.guardedAttempt().finally(() => {
        const soon = this.soon;
        this.soon = false;
        this.schedule(soon ? this.soonDelay() : undefined);
      });
    });
  }

  /** One attempt at a time. */
  private async guardedAttempt(): Promise<void> {
    this.attempting = true;
    this.lastAttemptMs = this.options.clock.now();
    try {
      await this.attempt();
    } finally {
      this.attempting = false;
    }
  }

  private now(): string {
    return formatTimeUs(this.options.clock.now() * 1000);
  }

  private async attempt(): Promise<void> {
    const { api, clock, logger, identity } = this.options;
    const durationMs = this.options.leaseDurationMs ?? 15_000;
    try {
      let lease: Lease | undefined;
      try {
        lease = await api.get<Lease>(`${this.path}/${this.leaseName}`);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      }
      if (lease !== undefined) this.readCheckpoint(lease);
      const spec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(durationMs / 1000),
        renewTime: this.now(),
      };
      if (lease === undefined) {
        await api.send('POST', this.path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: this.withCheckpoint({ name: this.leaseName, namespace: this.options.namespace }),
          spec: { ...spec, acquireTime: this.now(), leaseTransitions: 0 },
        });
        return this.renewed();
      }
      const holder = lease.spec.holderIdentity ?? '';
      const key = `${holder}|${lease.spec.renewTime ?? ''}`;
      if (this.observed?.key !== key) this.observed = { key, atMs: clock.now() };
      if (holder === identity) {
        await api.send('PUT', `${this.path}/${this.leaseName}`, {
          ...lease,
          metadata: this.withCheckpoint(lease.metadata),
          spec: { ...lease.spec, ...spec },
        });
        return this.renewed();
      }
      const leaseMs = (lease.spec.leaseDurationSeconds ?? durationMs / 1000) * 1000;
      if (holder !== '' && clock.now() - this.observed.atMs < leaseMs) {
        this.setLeader(false);
        return;
      }
      await api.send('PUT', `${this.path}/${this.leaseName}`, {
        ...lease,
        metadata: this.withCheckpoint(lease.metadata),
        spec: {
          ...lease.spec,
          ...spec,
          acquireTime: this.now(),
          leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1,
        },
      });
      logger.info('took over the leader lease', { previous: holder || '(released)' });
      if (holder !== '')
        this.options.onTakeover?.({ identity: holder, endpoint: lease.metadata.annotations?.[ENDPOINT_ANNOTATION] });
      this.renewed();
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) {
        logger.debug('lost a race for the leader lease');
      } else {
        logger.warn('leader election attempt failed', { error: explainKubeApiError(err, api.server).message });
      }
      if (this.leader && clock.now() - this.lastRenewMs >= (this.options.renewDeadlineMs ?? 10_000)) {
        logger.error('could not renew the leader lease in time; stepping down');
        this.setLeader(false);
      }
    }
  }

  private readCheckpoint(lease: Lease): void {
    try {
      this.options.checkpoint?.read(lease.metadata.annotations?.[CHECKPOINT_ANNOTATION]);
    } catch (err) {
      this.options.logger.warn('could not read the export checkpoint from the Lease', {
        error: (err as Error).message,
      });
    }
  }

  /** The Lease metadata with the current checkpoint (the holder writes it; a new holder merged the old one first). */
  private withCheckpoint(metadata: Lease['metadata']): Lease['metadata'] {
    const endpoint = this.options.endpoint?.();
    // The holder's own endpoint, or none: the previous holder's would send the next one to the wrong replica.
    const { [ENDPOINT_ANNOTATION]: previous, ...others } = metadata.annotations ?? {};
    const annotations =
      endpoint !== undefined
        ? { ...others, [ENDPOINT_ANNOTATION]: endpoint }
        : previous === undefined
          ? metadata.annotations
          : others;
    if (this.options.checkpoint === undefined)
      return annotations === undefined ? metadata : { ...metadata, annotations };
    const value = this.options.checkpoint.write();
    this.lastCheckpointBytes = value.length;
    return { ...metadata, annotations: { ...annotations, [CHECKPOINT_ANNOTATION]: value } };
  }

  private renewed(): void {
    this.lastRenewMs = this.options.clock.now();
    this.options.checkpoint?.written?.();
    this.setLeader(true);
    this.options.onRenewed?.();
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.options.logger.info(
      leader ? 'became the leader: exporting spans' : 'not the leader: watching, not exporting',
      { identity: this.options.identity },
    );
    this.options.onChange?.(leader);
  }
}
