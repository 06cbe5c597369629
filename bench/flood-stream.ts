import type { InputRecord } from '../core/index.ts';
import { rfc3339, rfc3339Micro } from '../simulator/timestamps.ts';

/** Options of a unique-UID flood. */
export interface FloodOptions {
  readonly events: number;
  /** Events per second of event time. */
  readonly perSecond: number;
}

const REASONS = [
  ['Scheduled', 'default-scheduler', 'Successfully assigned {ns}/{pod} to node-{n}'],
  ['Pulling', 'kubelet', 'Pulling image "registry.example/app:{n}"'],
  ['BackOff', 'kubelet', 'Back-off restarting failed container app in pod {pod}'],
  ['FailedMount', 'kubelet', 'MountVolume.SetUp failed for volume "cfg-{n}" : configmap "cfg-{n}" not found'],
] as const;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A burst of Events that share nothing: every event has its own uid and is about its own Pod, which no
 * object record describes; one tick a second. Nothing dedupes or joins, so the engine's state is bounded
 * only by its windows and retention, never by the log's length.
 */
export function* floodStream(o: FloodOptions): Generator<InputRecord> {
  const startUs = Date.UTC(2024, 4, 5, 0, 0, 0) * 1000;
  let lastSecond = -1;
  for (let i = 0; i < o.events; i++) {
    const second = Math.floor(i / o.perSecond);
    const atUs = startUs + second * 1_000_000 + Math.floor(((i % o.perSecond) * 1_000_000) / o.perSecond);
    if (second !== lastSecond) {
      yield { type: 'tick', at: rfc3339Micro(startUs + second * 1_000_000) };
      lastSecond = second;
    }
    const [reason, component, template] = REASONS[i % REASONS.length] as (typeof REASONS)[number];
    const ns = `flood-${i % 97}`;
    const pod = `app-${hex(i, 8)}-x${hex((i * 2654435761) >>> 0, 8).slice(0, 5)}`;
    const stamp = rfc3339(atUs);
    yield {
      type: 'event',
      at: rfc3339Micro(atUs + 150_000),
      watch: 'ADDED',
      event: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${pod}.${hex(i, 16)}`,
          namespace: ns,
          uid: `${hex(i, 8)}-f100-4d00-8000-${hex(i * 7, 12)}`,
          resourceVersion: String(1_000_000 + i),
          creationTimestamp: stamp,
        },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: ns,
          name: pod,
          uid: `${hex(i, 8)}-0d00-4d00-8000-${hex(i * 13, 12)}`,
        },
        reason,
        message: template
          .replace('{ns}', ns)
          .replace('{pod}', pod)
          .replaceAll('{n}', String(i % 50)),
        source: { component },
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        count: 1,
        type: reason === 'BackOff' || reason === 'FailedMount' ? 'Warning' : 'Normal',
        eventTime: null,
        reportingComponent: component,
        reportingInstance: '',
      },
    };
  }
}
