/** Manifests of kwok-managed fake nodes, schedulable (no taint) so ordinary workloads land there. */
export function fakeNodesManifest(count: number): string {
  const nodes = Array.from(
    { length: count },
    (_, i) => `apiVersion: v1
kind: Node
metadata:
  name: kwok-node-${i}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-${i}
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
`,
  );
  return nodes.join('---\n');
}
