// Smoke test of the e2e infrastructure: `npx node e2e/infra/smoke.ts`.
// Starts the cluster and Jaeger (KSPAN_E2E_INFRA=local|containers, else auto-detected), makes a
// Deployment and a pod with a bad image, waits for the controllers' and the kubelet's Events,
// prints them, sends one OTLP trace to Jaeger and reads it back, then tears everything down.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createInfrastructure } from './create-infrastructure.ts';
import type { StartedInfrastructure } from './e2e-infrastructure.ts';
import { waitFor } from './wait-for.ts';

interface EventSummary {
  readonly reason: string;
  readonly component: string;
  readonly kind: string;
  readonly name: string;
  readonly message: string;
  readonly count: number;
}

const timings: Array<[string, number]> = [];
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    const ms = performance.now() - started;
    timings.push([label, ms]);
    console.error(`[smoke] ${label}: ${(ms / 1000).toFixed(1)} s`);
  }
}

async function listEvents(infra: StartedInfrastructure): Promise<EventSummary[]> {
  return (await infra.cluster.listEvents()).map((e) => ({
    reason: e.reason ?? '',
    component: e.source?.component || e.reportingComponent || '',
    kind: e.involvedObject.kind ?? '',
    name: e.involvedObject.name ?? '',
    message: e.message ?? '',
    count: e.count ?? 1,
  }));
}

/** Waits until every `component/reason` (optionally restricted to involved objects whose name starts with a prefix) has been seen. */
async function waitForEvents(
  infra: StartedInfrastructure,
  expected: readonly string[],
  namePrefix: string,
  timeoutMs = 90_000,
) {
  let missing: string[] = [...expected];
  try {
    return await waitFor(
      async () => {
        const seen = new Set(
          (await listEvents(infra))
            .filter((e) => e.name.startsWith(namePrefix))
            .map((e) => `${e.component}/${e.reason}`),
        );
        missing = expected.filter((x) => !seen.has(x));
        return missing.length === 0;
      },
      { what: `events for ${namePrefix}*`, timeoutMs, intervalMs: 500 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; still missing: ${missing.join(', ')}`, { cause: error });
  }
}

async function sendOneTrace(infra: StartedInfrastructure): Promise<string> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'kspan-e2e-smoke' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: infra.jaegerOtlpGrpcEndpoint }))],
  });
  const span = provider.getTracer('smoke').startSpan('Deployment.ScalingReplicaSet');
  span.setAttribute('k8s.deployment.name', 'web');
  const traceId = span.spanContext().traceId;
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

async function main(): Promise<void> {
  const total = performance.now();
  const infrastructure = await createInfrastructure();
  console.error(`[smoke] runtime: ${infrastructure.runtime}`);
  // Node 22 runs this file without transpiling, and has no `await using` yet: try/finally.
  const infra = await timed('start infrastructure', () => infrastructure.start());
  try {
    console.error(`[smoke] kubeconfig ${infra.kubeconfigPath}`);
    console.error(`[smoke] jaeger otlp ${infra.jaegerOtlpGrpcEndpoint}, query ${infra.jaegerQueryUrl}`);
    console.log(`control plane ${infra.kubeVersion}`);

    await timed('deployment events (create → Started)', async () => {
      await infra.cluster.createDeployment('web', 'nginx:1.27', 2);
      await infra.cluster.createPod('broken', 'registry.invalid/does-not-exist:1.0');
      await waitForEvents(infra, ['deployment-controller/ScalingReplicaSet'], 'web');
      await waitForEvents(
        infra,
        [
          'replicaset-controller/SuccessfulCreate',
          'default-scheduler/Scheduled',
          'kubelet/Pulling',
          'kubelet/Pulled',
          'kubelet/Created',
          'kubelet/Started',
        ],
        'web-',
      );
      await infra.cluster.waitForRollout('web', 60_000);
    });
    await timed('bad image events (Failed, BackOff)', () =>
      waitForEvents(infra, ['kubelet/Pulling', 'kubelet/Failed', 'kubelet/BackOff'], 'broken'),
    );
    await timed('deletion events (Killing)', async () => {
      await infra.cluster.scaleDeployment('web', 1);
      await waitForEvents(infra, ['replicaset-controller/SuccessfulDelete', 'kubelet/Killing'], 'web-');
    });

    const events = await listEvents(infra);
    for (const e of events)
      console.log(`${e.component.padEnd(22)} ${e.kind}/${e.name} ${e.reason} x${e.count}: ${e.message}`);
    const backOff = events.find((e) => e.name === 'broken' && e.reason === 'BackOff');
    console.log(`BackOff on pod/broken: count=${backOff?.count}, message=${JSON.stringify(backOff?.message)}`);

    await timed('OTLP trace round trip', async () => {
      const traceId = await sendOneTrace(infra);
      await waitFor(
        async () => {
          const response = await fetch(`${infra.jaegerQueryUrl}/api/traces/${traceId}`);
          if (!response.ok) return false;
          const body = (await response.json()) as { data?: Array<{ spans?: Array<{ operationName: string }> }> };
          return body.data?.[0]?.spans?.some((s) => s.operationName === 'Deployment.ScalingReplicaSet') === true;
        },
        { what: `trace ${traceId} in Jaeger`, timeoutMs: 20_000, intervalMs: 250 },
      );
      const services = (await (await fetch(`${infra.jaegerQueryUrl}/api/services`)).json()) as { data: string[] };
      console.log(`Jaeger has trace ${traceId}; services: ${services.data.join(', ')}`);
    });
  } finally {
    await timed('stop infrastructure', () => infra.stop());
  }
  timings.push(['total', performance.now() - total]);
  console.log('\ntimings:');
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(40)} ${(ms / 1000).toFixed(1)} s`);
  console.log('\nsmoke: 1 passed, 0 failed');
}

main().catch((error: unknown) => {
  console.error(`smoke: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (error instanceof Error && error.cause instanceof Error) console.error(`caused by: ${error.cause.message}`);
  process.exitCode = 1;
});
