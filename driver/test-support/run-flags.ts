import type { RunFlags } from '../run-options.ts';

/** `kspan run` flags as commander hands them over, for tests: loopback status port on any free port. */
export function runFlags(over: Partial<RunFlags> = {}): RunFlags {
  return {
    window: '5s',
    idle: '5m',
    namespace: [],
    excludeNamespace: [],
    leaseName: 'kspan',
    metricsAddr: '127.0.0.1:0',
    logLevel: 'info',
    maxQueueBytes: '64Mi',
    shutdownGrace: '25s',
    ...over,
  };
}
