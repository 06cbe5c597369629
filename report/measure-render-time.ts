// Measures how fast the HTML report draws 10k spans in headless Chromium: `npm run report:render-time`.
// Three shapes: a 502-span trace as the baseline the others compare with, one trace of 10k spans (a 2,000-pod
// scale-up: the waterfall's worst case) and 400 traces of 26 spans (the trace list's). Prints medians of several
// page loads: first render, scrolling and filtering.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KspanSpan } from '../core/index.ts';
import { launchChromium } from './headless-chromium.ts';
import { renderHtmlReport } from './html-report.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const T0 = Date.UTC(2024, 4, 5, 16, 22, 0) * 1000;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A Deployment scaled to `pods` Pods: root, ScalingReplicaSet, then per Pod a create and four kubelet/scheduler spans. */
function scaleUp(trace: number, pods: number): KspanSpan[] {
  const traceId = hex(trace + 1, 32);
  let next = trace * 1_000_000;
  const spans: KspanSpan[] = [];
  const add = (
    parent: string | undefined,
    name: string,
    service: string,
    startS: number,
    lenS: number,
    message: string,
  ) => {
    const spanId = hex(++next, 16);
    spans.push({
      traceId,
      spanId,
      ...(parent !== undefined ? { parentSpanId: parent } : {}),
      name,
      startUs: T0 + startS * 1e6,
      endUs: T0 + (startS + lenS) * 1e6,
      serviceName: service,
      attributes: {
        'k8s.namespace.name': `ns-${trace % 7}`,
        'kspan.object.kind': name.split('.')[0] as string,
        'kspan.object.name': `web-${trace}`,
        'kspan.event.reason': name.split('.')[1] as string,
        'kspan.event.message': message,
        'kspan.rule': 'object-cause',
      },
      events: [],
      status: name === 'Pod.BackOff' ? 'error' : 'unset',
    });
    return spanId;
  };
  const root = add(undefined, 'Deployment.Update', 'kubectl', 0, pods / 10 + 10, `web-${trace}`);
  const scaling = add(root, 'Deployment.ScalingReplicaSet', 'deployment-controller', 0, pods / 10 + 9, 'Scaled up');
  for (let p = 0; p < pods; p++) {
    const at = p / 10;
    const pod = `web-${trace}-${p}`;
    const create = add(scaling, 'ReplicaSet.SuccessfulCreate', 'replicaset-controller', at, 8, `Created pod: ${pod}`);
    add(
      create,
      'Pod.Scheduled',
      'default-scheduler',
      at + 0.1,
      0,
      `Successfully assigned default/${pod} to node-${p % 50}`,
    );
    add(create, 'Pod.Pulling', 'kubelet', at + 0.2, 3, 'Pulling image "nginx:1.26"');
    add(create, 'Pod.Pulled', 'kubelet', at + 3.2, 0, 'Successfully pulled image "nginx:1.26"');
    add(create, p % 97 === 0 ? 'Pod.BackOff' : 'Pod.Started', 'kubelet', at + 4, 4, 'Started container app');
  }
  return spans;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const dir = join(import.meta.dirname, '..', 'out', 'reports');
await mkdir(dir, { recursive: true });
const shapes = {
  'baseline, one trace of 502 spans': scaleUp(0, 100),
  'one trace of 10k spans': scaleUp(0, 2000),
  '400 traces of 26 spans': Array.from({ length: 400 }, (_, i) => scaleUp(i, 5)).flat(),
};
const browser = await launchChromium();
try {
  for (const [shape, spans] of Object.entries(shapes)) {
    const file = join(dir, `render-${spans.length}.html`);
    const t = performance.now();
    const html = renderHtmlReport(spans, { title: shape });
    const generateMs = performance.now() - t;
    await writeFile(file, html);
    const load: number[] = [];
    const scroll: number[] = [];
    const wheel: number[] = [];
    const filter: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-ready="true"]');
      load.push(
        await page.evaluate(() => (window as unknown as { kspanReport: { renderMs: number } }).kspanReport.renderMs),
      );
      // Jump through the waterfall top to bottom in 40 steps, one frame each (every row new): the mean time per frame.
      scroll.push(
        await page.evaluate(async () => {
          const scroller = document.getElementById('scroller') as HTMLElement;
          const frame = () => new Promise((r) => requestAnimationFrame(r));
          const start = performance.now();
          for (let i = 1; i <= 40; i++) {
            scroller.scrollTop = (scroller.scrollHeight * i) / 40;
            await frame();
          }
          return (performance.now() - start) / 40;
        }),
      );
      // Scroll as a wheel does, 120 px a frame for 100 frames: the mean time per frame.
      wheel.push(
        await page.evaluate(async () => {
          const scroller = document.getElementById('scroller') as HTMLElement;
          scroller.scrollTop = 0;
          const frame = () => new Promise((r) => requestAnimationFrame(r));
          await frame();
          const start = performance.now();
          for (let i = 1; i <= 100; i++) {
            scroller.scrollTop += 120;
            await frame();
          }
          return (performance.now() - start) / 100;
        }),
      );
      // Filter by a reason: from the change to the list and rows redrawn.
      filter.push(
        await page.evaluate(async () => {
          const select = document.getElementById('filter-reason') as HTMLSelectElement;
          const start = performance.now();
          select.value = 'BackOff';
          select.dispatchEvent(new Event('change'));
          await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - start;
        }),
      );
      await page.close();
    }
    process.stdout.write(
      `${shape}: ${spans.length} spans, ${(html.length / 1e6).toFixed(1)} MB page (generated in ${generateMs.toFixed(0)} ms); ` +
        `median of ${RUNS} loads: first render ${median(load).toFixed(0)} ms after navigation, ` +
        `jump-scroll ${median(scroll).toFixed(1)} ms/frame, wheel-scroll ${median(wheel).toFixed(1)} ms/frame, filter by reason ${median(filter).toFixed(0)} ms\n`,
    );
  }
} finally {
  await browser.close();
}
