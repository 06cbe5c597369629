import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerRunCommand } from './commands.ts';
import { parseRunOptions, type RunFlags } from './run-options.ts';

const base: RunFlags = {
  window: '5s',
  idle: '5m',
  namespace: [],
  excludeNamespace: [],
  leaseName: 'kspan',
  metricsAddr: ':9090',
  logLevel: 'info',
  maxQueueBytes: '64Mi',
  shutdownGrace: '25s',
};

describe('parseRunOptions', () => {
  it('takes the OTLP endpoint from the environment, traces-specific first', () => {
    expect(parseRunOptions(base, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317' }).otlp.url).toBe('http://a:4317');
    expect(
      parseRunOptions(base, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4317',
      }).otlp.url,
    ).toBe('http://b:4317');
    expect(
      parseRunOptions({ ...base, otlpEndpoint: 'http://c:4317' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317' }).otlp
        .url,
    ).toBe('http://c:4317');
  });

  it('reads headers from a file (key=value lines, comments skipped)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kspan-h-')), 'headers');
    fs.writeFileSync(file, '# from a Secret\nx-api-key=s3cr%3Dt\nx-tenant = team-a\n');
    expect(parseRunOptions({ ...base, otlpHeadersFile: file }, {}).otlp.headers).toEqual({
      'x-api-key': 's3cr=t',
      'x-tenant': 'team-a',
    });
    expect(() => parseRunOptions({ ...base, otlpHeadersFile: '/nope' }, {})).toThrow(
      /--otlp-headers-file: cannot read \/nope \(ENOENT\)/,
    );
  });

  it.each([
    [{ window: 'soon' }, /--window: expected a duration/],
    [{ logLevel: 'loud' }, /--log-level: expected one of debug, info, warn, error/],
    [{ eventTypes: 'Normal,Bad' }, /--event-types: expected Normal and\/or Warning/],
    [{ maxQueueSize: '0' }, /--max-queue-size/],
  ])('rejects %o', (over, message) => {
    expect(() => parseRunOptions({ ...base, ...over }, {})).toThrow(message);
  });

  it('splits lists and resolves the lease namespace from the pod', () => {
    const o = parseRunOptions(
      { ...base, kinds: 'Pod, Deployment', eventTypes: 'Warning', namespace: ['a', 'b'] },
      { POD_NAMESPACE: 'kspan', POD_NAME: 'kspan-0' },
    );
    expect([o.kinds, o.eventTypes, o.namespaces, o.leaseNamespace, o.identity]).toEqual([
      ['Pod', 'Deployment'],
      ['Warning'],
      ['a', 'b'],
      'kspan',
      'kspan-0',
    ]);
  });
});

describe('registerRunCommand', () => {
  it('adds `run` with every flag documented', () => {
    const program = new Command();
    registerRunCommand(program);
    const run = program.commands.find((c) => c.name() === 'run')!;
    const help = run.helpInformation();
    for (const flag of [
      '--kubeconfig',
      '--context',
      '--window',
      '--otlp-endpoint',
      '--otlp-insecure',
      '--otlp-headers-file',
      '--record',
      '--namespace',
      '--exclude-namespace',
      '--kinds',
      '--event-types',
      '--leader-elect',
      '--lease-namespace',
      '--metrics-addr',
      '--log-level',
    ]) {
      expect(help).toContain(flag);
    }
    for (const option of run.options) expect(option.description, option.flags).not.toBe('');
  });

  it('collects repeatable namespaces', () => {
    const program = new Command().exitOverride();
    registerRunCommand(program);
    const run = program.commands.find((c) => c.name() === 'run')!;
    run.action(() => {});
    program.parse([
      'node',
      'kspan',
      'run',
      '--namespace',
      'a',
      '--namespace',
      'b',
      '--exclude-namespace',
      'kube-system',
    ]);
    expect(run.opts()).toMatchObject({
      namespace: ['a', 'b'],
      excludeNamespace: ['kube-system'],
      window: '5s',
      metricsAddr: ':9090',
      logLevel: 'info',
    });
  });
});
