import type { Logger } from './logger.ts';

/**
 * The hand-over between a leader that lost the API and the replica that took its Lease over.
 *
 * What a leader exported after its last stored checkpoint is unknown to the Lease: the next leader would send it
 * again (the collector has no idempotent write). A leader cut off from the API is usually still alive and still
 * knows exactly what it exported (its ledger, in memory). So the new leader, before it sends anything, asks the
 * old one directly (its status port, whose address the old leader kept in the Lease) for its ledger:
 * - the old leader answers only once it does not lead any more (it stopped sending when it could not write its
 *   checkpoint, and stepped down at its renew deadline), after its batches in flight were answered, with its
 *   ledger: every span in it was acknowledged by the collector, so skipping them loses nothing;
 * - when it does not answer (killed, or unreachable too) the new leader goes by the Lease's checkpoint alone, as
 *   before: spans exported since it may be sent twice, none is lost.
 */
export interface HandoverSource {
  /** True while this replica leads: it refuses to hand over (a request from anyone else changes nothing). */
  readonly leading: boolean;
  /** Resolves once no batch is in flight, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
  /** This replica's ledger as a checkpoint (`ExportLedger.checkpoint`). */
  ledger(): string;
}

/** The status server's `POST /handover`: status and body. */
export async function answerHandover(
  source: HandoverSource,
  settleMs = 3000,
): Promise<{ status: number; body: string }> {
  if (source.leading) return { status: 409, body: 'leading: no hand-over\n' };
  await source.settled(settleMs);
  // Still not leading: what it exported is all in the ledger, and it sends nothing more while not leading.
  if (source.leading) return { status: 409, body: 'leading: no hand-over\n' };
  return { status: 200, body: source.ledger() };
}

/** Options of `requestHandover`. */
export interface HandoverRequest {
  /** `host:port` of the previous leader's status server. */
  readonly endpoint: string;
  readonly logger: Logger;
  /** Attempts at most (a 409 while the old leader has not stepped down yet is retried). Default 4. */
  readonly attempts?: number;
  /** Per attempt. Default 5000 ms (the old leader waits up to 3 s for its batches in flight before it answers). */
  readonly timeoutMs?: number;
  /** Between attempts. Default 500 ms. */
  readonly pauseMs?: number;
  readonly fetch?: typeof fetch;
}

/** Asks the previous leader for its ledger; undefined when it did not give it (then the Lease's checkpoint rules). */
export async function requestHandover(request: HandoverRequest): Promise<string | undefined> {
  const { endpoint, logger } = request;
  const attempts = request.attempts ?? 4;
  const doFetch = request.fetch ?? fetch;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, request.pauseMs ?? 500));
    try {
      const res = await doFetch(`http://${endpoint}/handover`, {
        method: 'POST',
        signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
      });
      const body = await res.text();
      if (res.status === 200) return body;
      last = `HTTP ${res.status}: ${body.trim()}`;
      // Only a leader that has not stepped down yet is worth asking again.
      if (res.status !== 409) break;
    } catch (err) {
      // Refused (nothing listens: killed) or no answer in time (its node is gone): no use waiting.
      last = (err as Error).message;
      break;
    }
  }
  logger.info(
    'the previous leader did not hand over its ledger: spans it exported after its last checkpoint may be sent again',
    {
      endpoint,
      reason: last,
    },
  );
  return undefined;
}

/** `host:port` others reach this replica's status server at: the pod IP, else the host it listens on, if one. */
export function advertisedEndpoint(listenHost: string | undefined, port: number, podIp?: string): string | undefined {
  const host = podIp !== undefined && podIp !== '' ? podIp : listenHost;
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::') return undefined;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
