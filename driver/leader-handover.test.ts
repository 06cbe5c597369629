import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { advertisedEndpoint, answerHandover, requestHandover, type HandoverSource } from './leader-handover.ts';
import { MemoryLogger } from './test-support/memory-logger.ts';

/** A replica's side of the hand-over: leading or not (before and after its batches in flight settled). */
function source(leadingBefore: boolean, leadingAfter = leadingBefore): HandoverSource & { waited: number[] } {
  let settled = false;
  const waited: number[] = [];
  return {
    waited,
    get leading() {
      return settled ? leadingAfter : leadingBefore;
    },
    settled: (ms) => {
      waited.push(ms);
      settled = true;
      return Promise.resolve();
    },
    ledger: () => 'v1|100|AAAAAAAAAAA:5:0',
  };
}

describe('answerHandover', () => {
  it.each([
    ['a leader refuses (no one may stop it from exporting)', true, true, 409, []],
    [
      'a replica that does not lead answers with its ledger once its batches in flight settled',
      false,
      false,
      200,
      [3000],
    ],
    ['one that became the leader meanwhile refuses', false, true, 409, [3000]],
  ] as const)('%s', async (_what, before, after, status, waited) => {
    const s = source(before, after);
    const answer = await answerHandover(s);
    expect(answer.status).toBe(status);
    if (status === 200) expect(answer.body).toBe('v1|100|AAAAAAAAAAA:5:0');
    expect(s.waited).toEqual(waited);
  });
});

/** A status server answering POST /handover with the statuses given, in turn. */
async function serve(
  statuses: number[],
): Promise<{ endpoint: string; asked: () => number; close: () => Promise<void> }> {
  let asked = 0;
  const server = http.createServer((req, res) => {
    const status = statuses[Math.min(asked, statuses.length - 1)] ?? 500;
    asked++;
    res.writeHead(status).end(status === 200 ? 'v1|100|AAAAAAAAAAA:5:0' : 'leading: no hand-over\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked: () => asked,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('requestHandover', () => {
  it.each([
    ['the ledger at once', [200], 'v1|100|AAAAAAAAAAA:5:0', 1],
    ['the ledger once the old leader stepped down (409 first)', [409, 200], 'v1|100|AAAAAAAAAAA:5:0', 2],
    ['nothing from one that keeps leading, after 4 attempts', [409], undefined, 4],
    ['nothing from a broken one, asked once', [500], undefined, 1],
  ] as const)('gets %s', async (_what, statuses, ledger, attempts) => {
    const server = await serve([...statuses]);
    const logger = new MemoryLogger();
    try {
      expect(await requestHandover({ endpoint: server.endpoint, logger, pauseMs: 10 })).toBe(ledger);
      expect(server.asked()).toBe(attempts);
      if (ledger === undefined) expect(logger.lines.some((l) => l.msg.includes('did not hand over'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('gives up at once on a leader that is gone (connection refused): the Lease checkpoint rules', async () => {
    const server = await serve([200]);
    await server.close();
    const started = performance.now();
    expect(await requestHandover({ endpoint: server.endpoint, logger: new MemoryLogger(), pauseMs: 1000 })).toBe(
      undefined,
    );
    expect(performance.now() - started).toBeLessThan(900);
  });
});

describe('requestHandover without an answer', () => {
  it('asks once a replica that does not answer in time (its node is gone), then goes by the Lease', async () => {
    let asked = 0;
    const server = http.createServer(() => asked++); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await requestHandover({ endpoint, logger: new MemoryLogger(), timeoutMs: 200, pauseMs: 10 })).toBe(
        undefined,
      );
      expect(asked).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('advertisedEndpoint', () => {
  it.each([
    ['the pod IP first', '0.0.0.0', 9090, '10.1.2.3', '10.1.2.3:9090'],
    ['an IPv6 pod IP in brackets', '', 9090, 'fd00::7', '[fd00::7]:9090'],
    ['the host it listens on', '127.0.0.1', 41234, undefined, '127.0.0.1:41234'],
    ['none for all interfaces without a pod IP', '', 9090, undefined, undefined],
    ['none for 0.0.0.0 without a pod IP', '0.0.0.0', 9090, undefined, undefined],
  ] as const)('%s', (_what, host, port, podIp, endpoint) => {
    expect(advertisedEndpoint(host, port, podIp)).toBe(endpoint);
  });
});
