import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fakeNodesManifest } from './fake-nodes.ts';

describe('fakeNodesManifest', () => {
  it('describes kwok-managed, untainted nodes', () => {
    const nodes = parseAllDocuments(fakeNodesManifest(2)).map(
      (d) =>
        d.toJS() as {
          kind: string;
          metadata: { name: string; annotations: Record<string, string> };
          spec?: Record<string, unknown>;
        },
    );
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kwok-node-0', 'kwok-node-1']);
    for (const node of nodes) {
      expect(node.kind).toBe('Node');
      expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
      expect(node.spec?.taints).toBeUndefined();
    }
  });
});
