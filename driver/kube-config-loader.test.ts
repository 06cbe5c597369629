import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kube-config-loader.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: https://one.example:6443 }
- name: c2
  cluster: { server: https://two.example:6443 }
users:
- name: u
  user: { token: abc }
contexts:
- name: one
  context: { cluster: c1, user: u }
- name: two
  context: { cluster: c2, user: u }
current-context: one
`;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kspan-kc-'));
}

describe('loadKubeConfig', () => {
  it('says where it looked and how to point at a kubeconfig when there is none', () => {
    const home = tmp();
    expect(() => loadKubeConfig({ env: {}, homeDir: home, serviceAccountDir: path.join(home, 'sa') })).toThrow(
      new RegExp(
        `no kubeconfig found; looked at: --kubeconfig \\(not set\\); \\$KUBECONFIG \\(not set\\); ${home}/.kube/config; in-cluster ServiceAccount.*--kubeconfig <file> or KUBECONFIG=<file>`,
      ),
    );
  });

  it('names a --kubeconfig file that does not exist', () => {
    expect(() => loadKubeConfig({ kubeconfig: '/nope/config', env: {} })).toThrow(
      /the kubeconfig \/nope\/config \(from --kubeconfig\) does not exist/,
    );
  });

  it('reads ~/.kube/config and honours --context', () => {
    const home = tmp();
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), KUBECONFIG);
    expect(loadKubeConfig({ env: {}, homeDir: home }).getCurrentCluster()?.server).toBe('https://one.example:6443');
    expect(loadKubeConfig({ env: {}, homeDir: home, context: 'two' }).getCurrentCluster()?.server).toBe(
      'https://two.example:6443',
    );
    expect(() => loadKubeConfig({ env: {}, homeDir: home, context: 'three' })).toThrow(
      /no context "three"; known contexts: one, two/,
    );
  });

  it('prefers $KUBECONFIG over ~/.kube/config', () => {
    const dir = tmp();
    const file = path.join(dir, 'kc.yaml');
    fs.writeFileSync(file, KUBECONFIG.replace('current-context: one', 'current-context: two'));
    expect(loadKubeConfig({ env: { KUBECONFIG: file }, homeDir: dir }).getCurrentCluster()?.server).toBe(
      'https://two.example:6443',
    );
  });

  it.each([
    ['bad indentation', 'users:\n- name: u\n  user:\n    token: SECRET-t0ken-1\n      bad: indentation: here\n'],
    ['an unclosed quote', 'users:\n- name: u\n  user: { token: "SECRET-t0ken-1 }\n'],
    ['a tab', 'users:\n- name: u\n  user:\n\ttoken: SECRET-t0ken-1\n'],
    ['the wrong shape', 'clusters: SECRET-t0ken-1\nusers: [{ name: u, user: { token: SECRET-t0ken-1 } }]\n'],
  ])('a malformed kubeconfig (%s): the error says so and never quotes the file', (_, text) => {
    const file = path.join(tmp(), 'config');
    fs.writeFileSync(file, text);
    let error: Error | undefined;
    try {
      loadKubeConfig({ kubeconfig: file, env: {} });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(new RegExp(`^(cannot read the kubeconfig ${file}|the kubeconfig)`));
    expect(error?.message).not.toContain('SECRET');
    expect(JSON.stringify(error?.cause ?? null)).not.toContain('SECRET');
    expect(String((error?.cause as Error | undefined)?.message ?? '')).not.toContain('SECRET');
  });
});
