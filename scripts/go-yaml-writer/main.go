// Writes input-log/testdata/go-folded.yaml: Event documents whose long strings Go's YAML (sigs.k8s.io/yaml, as the
// Go kspan's --capture-to writes them) folds onto more lines, in each of its styles: plain, single-quoted (with ''),
// double-quoted (with \x escapes and a \ before a kept space), and | blocks for line breaks.
//
//	cd scripts/go-yaml-writer && go run . > ../../input-log/testdata/go-folded.yaml
package main

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	messages := []string{
		`Successfully pulled image "nginx:1.25" in 960ms (960ms including waiting). Image size: 76663912 bytes.`,
		"0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
		`MountVolume.SetUp failed for volume "kube-api-access-x7d2k" : configmap "kube-root-ca.crt" not found`,
		`Failed to pull image "docker.io/library/nginx:does-not-exist": failed to resolve reference "docker.io/library/nginx:does-not-exist": docker.io/library/nginx:does-not-exist: not found`,
		strings.Repeat("it's ", 25),
		strings.Repeat("word ", 30) + "   ",
		strings.Repeat("x", 90) + " " + strings.Repeat("y", 10),
		strings.Repeat("#hash - dash ", 12),
		strings.Repeat("tab\there ", 12),
		strings.Repeat("ctrl\x01 ", 20),
		strings.Repeat("ends with backslash \\ ", 8),
		strings.Repeat("ünïcödé ", 15),
		strings.Repeat("x", 79) + "  " + strings.Repeat("y", 30) + "  " + strings.Repeat("z", 60) + "   two spaces",
		"Back-off restarting failed container app in pod crasher-qm4xmbnlbw-dbw2q_ns-10(b0217b1e-9b88-438a-b317-bfd7ec36e6e7)",
		"line one\nline two\n\nafter a blank line " + strings.Repeat("long ", 20),
		`clusteroperator/kube-apiserver version "raw-internal" changed from "4.8.11" to "4.8.12" and then "4.8.13"`,
	}
	for i, m := range messages {
		event := map[string]interface{}{
			"apiVersion": "v1",
			"kind":       "Event",
			"metadata": map[string]interface{}{
				"name":              fmt.Sprintf("web-d46dpn77h2-pkwng.17cc6ea1f95078%02d", i),
				"namespace":         "ns-0",
				"uid":               fmt.Sprintf("c43c6874-9ed4-49fb-aa9e-a8e1309fa8%02d", i),
				"resourceVersion":   fmt.Sprint(41394 + i),
				"creationTimestamp": "2024-05-05T00:00:00Z",
			},
			"involvedObject": map[string]interface{}{
				"apiVersion": "v1", "kind": "Pod", "name": "web-d46dpn77h2-pkwng", "namespace": "ns-0",
				"uid": "0756f569-497c-4353-9e23-4fe3f1145248", "fieldPath": "spec.containers{app}",
			},
			"reason":  "Pulled",
			"message": m,
			"type":    "Normal",
			"count":   i + 1,
			"source":  map[string]interface{}{"component": "kubelet", "host": "kind-worker"},
			"related": map[string]interface{}{"kind": "Node", "name": "kind-worker", "annotations": []string{m}},
		}
		out, err := yaml.Marshal(event)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("---\n# {\"time\":\"2024-05-05T00:00:%02d.344602Z\",\"style\":\"event\",\"kind\":\"Event\"}\n%s", i, out)
	}
}
