// Writes YAML as Go writes it (sigs.k8s.io/yaml, as the Go kspan's --capture-to does), for the tests of kspan's
// capture reader:
//
//	cd scripts/go-yaml-writer
//	go run . > ../../input-log/testdata/go-folded.yaml
//	go run . random 300 > ../../input-log/testdata/go-random-strings.yaml
//
// go-folded.yaml: Event documents whose long strings Go folds onto more lines, in each of its styles: plain,
// single-quoted (a quote in them doubled), double-quoted (with \x escapes and a \ before a kept space), and | blocks
// for line breaks; a Deployment as kubectl applies it; and a ConfigMap's |+ and |2 blocks.
//
// go-random-strings.yaml: documents of seeded random strings of YAML's indicators, quotes, escapes, line breaks,
// tabs and non-ASCII text, each as a value, a sequence item and a nested value.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// randomStrings writes n documents of seeded random strings (the same every run).
func randomStrings(n int) {
	pieces := []string{" ", "  ", "'", "\"", "\\", ":", ": ", "#", " #", "-", "- ", "?", "{", "}", "[", "]", ",", "&",
		"*", "!", "|", ">", "%", "@", "`", "\t", "\n", "\r", "ü", "é", "中", "😀", "\u00a0", "x", "0", "9"}
	r := rand.New(rand.NewSource(11))
	lengths := []int{5, 20, 60, 90, 150, 300}
	for i := 0; i < n; i++ {
		var b strings.Builder
		for k := lengths[r.Intn(len(lengths))]; k > 0; k-- {
			if r.Float64() < 0.3 {
				b.WriteString(pieces[r.Intn(len(pieces))])
			} else {
				b.WriteByte("abcdefgh "[r.Intn(9)])
			}
		}
		v := b.String()
		out, err := yaml.Marshal(map[string]interface{}{"message": v, "list": []string{v, "x"}, "nested": map[string]string{"note": v}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("---\n%s", out)
	}
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "random" {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		randomStrings(n)
		return
	}
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
	deployment()
	configMap()
}

// configMap writes a ConfigMap whose texts Go writes as | blocks with a chomping indicator (|+: more than one
// final newline) or an indentation indicator (|2: a first line starting with a space).
func configMap() {
	out, err := yaml.Marshal(map[string]interface{}{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   map[string]string{"name": "cfg", "namespace": "default"},
		"data": map[string]string{
			"nginx.conf": "server {\n  listen 80;\n}\n",
			"script.sh":  "#!/bin/sh\necho hi\n\n\n",
			"leading":    "  indented first line\nsecond\n",
			"stripped":   "  indented\nno final newline",
			"json":       `{"a": 1}`,
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("---\n# {\"time\":\"2024-05-05T00:00:21Z\",\"style\":\"initial\",\"kind\":\"ConfigMap\"}\n%s", out)
}

// deployment writes a Deployment as kubectl applies it and Go writes it: its last-applied-configuration (one long
// line of JSON), managedFields, a container command with arguments starting with "-", an env value holding ": "
// and " #", and a condition message folded onto three lines.
func deployment() {
	applied := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web"},` +
		`"name":"web","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},` +
		`"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"app"}]}}}}` + "\n"
	d := map[string]interface{}{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata": map[string]interface{}{
			"name": "web", "namespace": "default", "uid": "5f0c1f4e-0000-4000-8000-000000000001", "generation": 3,
			"resourceVersion": "123", "creationTimestamp": "2024-05-05T00:00:00Z",
			"annotations": map[string]string{
				"deployment.kubernetes.io/revision":                "3",
				"kubectl.kubernetes.io/last-applied-configuration": applied,
			},
			"managedFields": []interface{}{map[string]interface{}{
				"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "manager": "kubectl-client-side-apply",
				"operation": "Update", "time": "2024-05-05T00:00:00Z",
				"fieldsV1": map[string]interface{}{"f:spec": map[string]interface{}{"f:template": map[string]interface{}{
					"f:spec": map[string]interface{}{"f:containers": map[string]interface{}{
						`k:{"name":"app"}`: map[string]interface{}{".": map[string]interface{}{}, "f:image": map[string]interface{}{}},
					}}}}},
			}},
		},
		"spec": map[string]interface{}{
			"replicas": 3,
			"template": map[string]interface{}{"spec": map[string]interface{}{"containers": []interface{}{map[string]interface{}{
				"name": "app", "image": "nginx:1.25",
				"command": []string{"/bin/sh", "-c", "echo starting the web server with a long command line that goes past eighty columns && exec nginx -g 'daemon off;'"},
				"args":    []string{"--port=8080", "-v", "?x", "::1"},
				"env":     []interface{}{map[string]string{"name": "GREETING", "value": "hello: world # not a comment"}},
			}}}},
		},
		"status": map[string]interface{}{"conditions": []interface{}{map[string]string{
			"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
			"message": "Deployment does not have minimum availability. 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
		}}},
	}
	out, err := yaml.Marshal(d)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("---\n# {\"time\":\"2024-05-05T00:00:20Z\",\"style\":\"initial\",\"kind\":\"Deployment\"}\n%s", out)
}
