#!/usr/bin/env bash
# Builds the Docker-free e2e binaries (etcd, kwok, kwokctl, kube-apiserver, kube-controller-manager,
# kube-scheduler and a Jaeger v2) from Go sources through the Go module proxy, into a cache outside
# the repository:
#
#   ${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}/<key>/bin
#
# <key> hashes the pinned versions (the `go` section of versions.json), this script's recipe
# number, the Go version and the platform: a version bump builds into a fresh directory and an
# unchanged pin finds its binaries at once. Idempotent: a component whose binaries are all present is
# skipped. Progress goes to stderr; the bin directory is the only line written to stdout.
#
# Usage: e2e/infra/build.sh [etcd|kwok|kubernetes|jaeger|kubectl|kind ...]
#        e2e/infra/build.sh minor <M.N>      (an older control plane, see versions.json .minors)
#   default: etcd kwok kubernetes jaeger (what the local runtime runs). `kubectl` (for debugging
#   and the Docker path) and `kind` (the Docker path) are built only when asked for.
#
# Why it is fast (measured numbers in e2e/README.md):
# - One wrapper module requires every component, so Go's version selection picks ONE version of
#   each shared dependency (client-go, grpc, otel, x/net, ...): a package compiled for etcd is reused
#   by kwok, the control plane and Jaeger from the Go build cache instead of compiled again at a
#   slightly different version. (Jaeger builds from a copy that keeps the few dependencies whose newer
#   releases dropped an API it calls at its own version: jaeger_own_versions.)
# - Jaeger is built from a main of our own that links only what the suite uses (OTLP receiver,
#   batch processor, memory storage, jaeger_query, healthcheckv2), not cmd/jaeger with its Kafka,
#   Prometheus, tail-sampling, Zipkin, AWS-auth... components. The Jaeger code is unmodified.
# - Jaeger's storage layer always links the Elasticsearch client; its root package also carries a
#   typed API (844 generated packages, 19 MB of source) that Jaeger never calls. The build uses a
#   copy of that module without the TypedClient constructor, so those packages are never compiled.
# - kubectl is not needed: the suite talks to the API server through @kubernetes/client-node.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
versions_file="$here/versions.json"
# Bump when the way binaries are built changes (so a cache from an older recipe is not reused).
recipe=2

die() { echo "build.sh: error: $*" >&2; exit 1; }
log() { echo "[kspan-e2e build $(date +%H:%M:%S)] $*" >&2; }

command -v go >/dev/null || die "go is not on PATH; install Go >= 1.26 (https://go.dev/dl/)"
command -v jq >/dev/null || die "jq is not on PATH; install it (apt-get install jq)"
[[ -f "$versions_file" ]] || die "missing $versions_file"

pin() { jq -er "$1" "$versions_file" || die "versions.json has no $1"; }

go_version=$(go env GOVERSION)
platform="$(go env GOOS)-$(go env GOARCH)"
cache_root="${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}"

# Static binaries, no network at run time, never a toolchain download; every go command uses all
# cores for package-level parallelism (one go build at a time, so they do not fight over the cores).
export CGO_ENABLED=0
export GOTOOLCHAIN=local
export GOFLAGS="-p=$(nproc) -trimpath -buildvcs=false -mod=mod"
ldflags_base="-s -w"

# Prints a heartbeat every 30 s while a long step runs, so a cold build never looks hung.
heartbeat_pid=""
start_heartbeat() {
  local what="$1" started="$2"
  ( while sleep 30; do log "  … still building $what ($(( $(date +%s) - started ))s)"; done ) &
  heartbeat_pid=$!
}
stop_heartbeat() {
  if [[ -n "$heartbeat_pid" ]]; then kill "$heartbeat_pid" 2>/dev/null || true; wait "$heartbeat_pid" 2>/dev/null || true; fi
  heartbeat_pid=""
}
# Wrapper modules live in one temporary directory, removed on exit (the Go caches persist).
tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/kspan-e2e-build.XXXXXX")
cleanup() { stop_heartbeat; rm -rf "$tmp_root"; }
trap cleanup EXIT

# module_dir MODULE VERSION : the extracted module in the module cache (downloaded through the proxy).
module_dir() { (cd "$tmp_root" && go mod download -json "$1@$2" | jq -er .Dir); }
# module_gomod MODULE VERSION : the go.mod file of a module version.
module_gomod() { (cd "$tmp_root" && go mod download -json "$1@$2" | jq -er .GoMod); }

# append_sum DIR MODULE VERSION : adds the upstream module's go.sum to the wrapper's, so the
# checksums of its dependencies come from the release itself rather than from sum.golang.org
# lookups (which a proxy mirror may not serve for every version).
append_sum() {
  local src; src="$(module_dir "$2" "$3")/go.sum"
  if [[ -f "$src" ]]; then cat "$src" >> "$1/go.sum"; fi
  return 0
}

# copy_replaces GOMOD_FILE : prints the replace directives of a go.mod that point at a module
# version (path => path vX), dropping the ones that point at local directories.
copy_replaces() {
  (cd "$(dirname "$1")" && go mod edit -json "$1") \
    | jq -r '.Replace // [] | .[] | select(.New.Version != null)
             | "-replace=\(.Old.Path)\(if .Old.Version then "@"+.Old.Version else "" end)=\(.New.Path)@\(.New.Version)"'
}

# staging_replaces KUBE_VERSION STAGING_VERSION : k8s.io/kubernetes replaces every staging module
# (k8s.io/api, k8s.io/client-go, ...) with ./staging/src/...; a module that depends on it must
# replace each one with the published release instead. Prints the -replace flags.
staging_replaces() {
  local gomod; gomod=$(module_gomod k8s.io/kubernetes "$1")
  local staging; mapfile -t staging < <((cd "$(dirname "$gomod")" && go mod edit -json "$gomod") \
    | jq -r '.Replace // [] | .[] | select(.New.Version == null) | .Old.Path')
  [[ ${#staging[@]} -gt 0 ]] || die "kubernetes: found no staging replace directives in $gomod"
  local m; for m in "${staging[@]}"; do echo "-replace=$m=$m@$2"; done
}

# kube_version_ldflags KUBE_VERSION : what hack/lib/version.sh sets, so `/version` tells the truth.
kube_version_ldflags() {
  local v="${1#v}" kv flags=""
  local major="${v%%.*}" minor; minor="${v#*.}"; minor="${minor%%.*}"
  for kv in "gitVersion=$1" "gitMajor=$major" "gitMinor=$minor" "gitTreeState=clean" \
            "buildDate=1970-01-01T00:00:00Z"; do
    flags+=" -X k8s.io/client-go/pkg/version.$kv -X k8s.io/component-base/version.$kv"
  done
  echo "$flags"
}

# children_cpu_seconds : user+sys CPU seconds of this shell's finished children (bash `times`).
children_cpu_seconds() {
  times > "$tmp_root/times"  # in this shell: a $(...) subshell would report its own (empty) children
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d\n", t }' "$tmp_root/times"
}

# go_build COMPONENT DIR BIN LDFLAGS PKG... : builds main packages of a wrapper module into BIN and
# appends the time to BIN/../build-times.tsv.
go_build() {
  local component="$1" dir="$2" bin="$3" ldflags="$4"; shift 4
  local started; started=$(date +%s)
  start_heartbeat "$component" "$started"
  # No `go mod tidy`: it would also resolve the tests of every dependency. `go build -mod=mod`
  # resolves and records exactly what the build needs.
  log "$component: compiling $*"
  local staging="$dir/out/$component"; mkdir -p "$staging"
  children_cpu_seconds > "$tmp_root/cpu-before"; local cpu_before; cpu_before=$(< "$tmp_root/cpu-before")
  (cd "$dir" && go build -ldflags="$ldflags" -o "$staging/" "$@" >&2) || die "$component: go build failed"
  mv -f "$staging"/* "$bin/"
  stop_heartbeat
  local took=$(( $(date +%s) - started )) cpu; children_cpu_seconds > "$tmp_root/cpu-after"; cpu=$(( $(< "$tmp_root/cpu-after") - cpu_before ))
  # component, wall seconds, finished at, CPU seconds (user+sys of the go command and its compilers:
  # the figure that does not depend on how loaded the machine was), load average when done.
  printf '%s\t%s\t%s\t%s\t%s\n' "$component" "$took" "$(date -u +%FT%TZ)" "$cpu" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)" \
    >> "$bin/../build-times.tsv"
  log "$component: built in ${took}s (${cpu} CPU-seconds)"
}

# ---------------------------------------------------------------------------------------------
# The default set: one wrapper module for every component.

jaeger_module=$(pin .go.jaeger.module)
jaeger_version=$(pin .go.jaeger.version)
kube_module=$(pin .go.kubernetes.module)
kube_version=$(pin .go.kubernetes.version)
kube_staging_version=$(pin .go.kubernetes.stagingVersion)
etcd_module=$(pin .go.etcd.module)
etcd_version=$(pin .go.etcd.version)
kwok_module=$(pin .go.kwok.module)
kwok_version=$(pin .go.kwok.version)
es_module=github.com/elastic/go-elasticsearch/v9

# The wrapper's module path lies under Jaeger's cmd/jaeger, so that its main may import Jaeger's
# cmd/jaeger/internal/... components (Go allows an internal import by import path).
wrapper_path="$jaeger_module/cmd/jaeger/kspane2e"

# The Jaeger main: the same collector command as cmd/jaeger, with only the components the suite's
# config (jaeger-process.ts) names.
write_jaeger_main() {
  cat > "$1/main.go" <<'EOF'
// Jaeger v2 for the kspan e2e suite: cmd/jaeger's collector command with only the components the
// suite's config uses (OTLP in, batch, memory storage, jaeger_query, healthcheckv2). Generated by
// kspan's e2e/infra/build.sh.
package main

import (
	"log"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckv2extension"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/exporters/storageexporter"
	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/extension/jaegerquery"
	"github.com/jaegertracing/jaeger/cmd/jaeger/internal/extension/jaegerstorage"
	"github.com/jaegertracing/jaeger/internal/version"
)

func components() (otelcol.Factories, error) {
	var err error
	f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	if f.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](
		healthcheckv2extension.NewFactory(), jaegerquery.NewFactory(), jaegerstorage.NewFactory()); err != nil {
		return f, err
	}
	if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
		return f, err
	}
	if f.Processors, err = otelcol.MakeFactoryMap[processor.Factory](batchprocessor.NewFactory()); err != nil {
		return f, err
	}
	f.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](storageexporter.NewFactory())
	return f, err
}

func main() {
	cmd := otelcol.NewCommand(otelcol.CollectorSettings{
		BuildInfo: component.BuildInfo{
			Command:     "jaeger",
			Description: "Jaeger backend v2 (kspan e2e build: OTLP, memory storage, query)",
			Version:     version.Get().GitVersion,
		},
		Factories: components,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				ProviderFactories: []confmap.ProviderFactory{
					envprovider.NewFactory(), fileprovider.NewFactory(), yamlprovider.NewFactory(),
				},
			},
		},
	})
	if err := cmd.Execute(); err != nil {
		log.Fatal(err)
	}
}
EOF
}

# strip_es_typed_api DIR : replaces the Elasticsearch client with a local copy whose root package
# lacks TypedClient/NewTypedClient (and so its import of the typed API). Everything Jaeger calls
# (NewClient, esapi) is untouched; a change upstream that this edit does not fit fails loudly.
strip_es_typed_api() {
  local dir="$1" version src
  version=$(cd "$dir" && go list -m -f '{{.Version}}' "$es_module") || die "jaeger: cannot resolve $es_module"
  src=$(module_dir "$es_module" "$version")
  cp -r "$src" "$dir/go-elasticsearch" && chmod -R u+w "$dir/go-elasticsearch"
  local file="$dir/go-elasticsearch/elasticsearch.go"
  awk '
    /^\t"github.com\/elastic\/go-elasticsearch\/v9\/typedapi"$/ { next }
    /^\/\/ TypedClient represents/ || /^\/\/ NewTypedClient / { skip = 1 }
    skip && /^}$/ { skip = 0; next }
    !skip { print }
  ' "$src/elasticsearch.go" > "$file"
  if grep -q typedapi "$file"; then die "jaeger: $es_module@$version: could not remove the typed API from elasticsearch.go"; fi
  (cd "$dir" && go mod edit -replace="$es_module=./go-elasticsearch")
}

# The wrapper module (created once per run, shared by every component of the default set).
wrapper_dir=""
default_wrapper() {
  [[ -n "$wrapper_dir" ]] && return
  local dir="$tmp_root/default"
  mkdir -p "$dir/jaeger"
  printf 'module %s\n\ngo %s\n' "$wrapper_path" "${go_version#go}" > "$dir/go.mod"
  : > "$dir/go.sum"
  log "resolving $kube_module@$kube_version, $etcd_module@$etcd_version, $kwok_module@$kwok_version, $jaeger_module@$jaeger_version"
  local edits=(
    -require="$kube_module@$kube_version" -require="$etcd_module@$etcd_version"
    -require="$kwok_module@$kwok_version" -require="$jaeger_module@$jaeger_version"
  ) m
  # The etcd server module replaces its sibling modules with ../api etc.; pin them to the same release.
  for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
    edits+=(-require="$m@$etcd_version")
  done
  mapfile -t -O "${#edits[@]}" edits < <(staging_replaces "$kube_version" "$kube_staging_version")
  mapfile -t -O "${#edits[@]}" edits < <(copy_replaces "$(module_gomod "$jaeger_module" "$jaeger_version")")
  mapfile -t -O "${#edits[@]}" edits < <(copy_replaces "$(module_gomod "$kwok_module" "$kwok_version")")
  (cd "$dir" && go mod edit "${edits[@]}")
  append_sum "$dir" "$kube_module" "$kube_version"
  append_sum "$dir" "$etcd_module" "$etcd_version"
  append_sum "$dir" "$kwok_module" "$kwok_version"
  append_sum "$dir" "$jaeger_module" "$jaeger_version"
  sort -u -o "$dir/go.sum" "$dir/go.sum"
  write_jaeger_main "$dir/jaeger"
  wrapper_dir="$dir"
}

default_key=$( { jq -cS .go "$versions_file"; echo "recipe $recipe $go_version $platform"; } | sha256sum | cut -c1-16)
default_bin="$cache_root/$default_key/bin"

# all_present BIN NAME... : true when every named binary is already in BIN.
all_present() { local bin="$1" b; shift; for b in "$@"; do [[ -x "$bin/$b" ]] || return 1; done; }

build_etcd() {
  all_present "$default_bin" etcd && { log "etcd: cached"; return; }
  default_wrapper
  go_build etcd "$wrapper_dir" "$default_bin" "$ldflags_base" "$etcd_module"
  # A main package at a major-version path (go.etcd.io/etcd/server/v3) builds as "server".
  mv -f "$default_bin/server" "$default_bin/etcd"
}

build_kwok() {
  all_present "$default_bin" kwok kwokctl && { log "kwok: cached"; return; }
  default_wrapper
  go_build kwok "$wrapper_dir" "$default_bin" "$ldflags_base -X $kwok_module/pkg/consts.Version=${kwok_version#v}" \
    "$kwok_module/cmd/kwok" "$kwok_module/cmd/kwokctl"
}

build_kubernetes() {
  local names=(kube-apiserver kube-controller-manager kube-scheduler) pkgs=() n
  all_present "$default_bin" "${names[@]}" && { log "kubernetes: cached"; return; }
  default_wrapper
  for n in "${names[@]}"; do pkgs+=("$kube_module/cmd/$n"); done
  go_build kubernetes "$wrapper_dir" "$default_bin" "$ldflags_base$(kube_version_ldflags "$kube_version")" "${pkgs[@]}"
}

build_kubectl() {
  all_present "$default_bin" kubectl && { log "kubectl: cached"; return; }
  default_wrapper
  go_build kubectl "$wrapper_dir" "$default_bin" "$ldflags_base$(kube_version_ldflags "$kube_version")" "$kube_module/cmd/kubectl"
}

# Dependencies whose newer releases (selected because Kubernetes requires them) dropped an API that
# Jaeger calls: Jaeger is built with the version its own go.mod requires. otelhttp: WithRouteTag is
# gone in v0.65.0 (Kubernetes v1.36.1), Jaeger v1.76.0 calls it (cmd/query/app/apiv3).
jaeger_own_versions=(go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp)

build_jaeger() {
  all_present "$default_bin" jaeger && { log "jaeger: cached"; return; }
  default_wrapper
  # A copy of the wrapper, so that these edits do not reach the other components.
  local dir="$tmp_root/default-jaeger" m v
  cp -r "$wrapper_dir" "$dir"
  local gomod; gomod=$(module_gomod "$jaeger_module" "$jaeger_version")
  for m in "${jaeger_own_versions[@]}"; do
    v=$( (cd "$(dirname "$gomod")" && go mod edit -json "$gomod") | jq -er --arg m "$m" '.Require[] | select(.Path == $m) | .Version') \
      || die "jaeger: $jaeger_module@$jaeger_version does not require $m any more; drop it from jaeger_own_versions"
    (cd "$dir" && go mod edit -replace="$m=$m@$v")
  done
  strip_es_typed_api "$dir"
  go_build jaeger "$dir" "$default_bin" "$ldflags_base -X $jaeger_module/internal/version.latestVersion=$(pin .go.jaeger.release)" ./jaeger
}

build_kind() {
  local kind_version; kind_version=$(pin .containers.kindVersion)
  # kind is outside the cache key (.go); its own `kind version` tells whether it is the pinned one.
  if [[ -x "$default_bin/kind" ]] && "$default_bin/kind" version 2>/dev/null | grep -q "kind $kind_version "; then
    log "kind: cached"; return
  fi
  log "kind: sigs.k8s.io/kind@$kind_version"
  local dir="$tmp_root/kind"; mkdir -p "$dir"
  printf 'module kspan.local/e2e/kind\n\ngo %s\n' "${go_version#go}" > "$dir/go.mod"
  (cd "$dir" && go mod edit -require="sigs.k8s.io/kind@$kind_version")
  : > "$dir/go.sum"; append_sum "$dir" sigs.k8s.io/kind "$kind_version"
  go_build kind "$dir" "$default_bin" "$ldflags_base" sigs.k8s.io/kind
}

# ---------------------------------------------------------------------------------------------
# An older control plane (kube-apiserver, kube-controller-manager, kube-scheduler of one minor),
# into its own cache directory; etcd and kwok of the default set serve it.

# generate_openapi DIR KUBE_VERSION STAGING_VERSION : releases before 1.23 generated
# pkg/generated/openapi/zz_generated.openapi.go at `make` time (build/root/Makefile.generated_files,
# gen_openapi), so the k8s.io/kubernetes module lacks it and kube-apiserver's app package does not
# compile (undefined: generatedopenapi.GetOpenAPIDefinitions). Does what that Makefile does: runs
# k8s.io/kube-openapi's openapi-gen, at the version the release pins, over every directory of the
# Kubernetes tree and its staging modules that has a `+k8s:openapi-gen=` tag (code-generator and
# the samples left out, as the Makefile's KUBE_OPENAPI_TAG_FILES does for sample-apiserver), into a writable copy of
# the k8s.io/kubernetes module that the wrapper then uses instead of the module cache's.
generate_openapi() {
  local dir="$1" version="$2" staging="$3"
  local started; started=$(date +%s)
  local src; src=$(module_dir "$kube_module" "$version")
  log "kubernetes $version: generating pkg/generated/openapi (openapi-gen, as its Makefile did)"
  cp -r "$src" "$dir/kubernetes"; chmod -R u+w "$dir/kubernetes"
  (cd "$dir" && go mod edit -replace="$kube_module=./kubernetes")
  # The Makefile's tree: k8s.io/kubernetes itself and its staging modules (./staging/src/k8s.io/*).
  local roots=("$kube_module=$dir/kubernetes") m
  while IFS= read -r m; do
    # The Makefile leaves out code-generator and sample-apiserver; the other samples (sample-controller,
    # sample-cli-plugin) are examples no control plane binary links, and the module proxy refuses
    # them at v0.22.16 (403).
    case "$m" in k8s.io/code-generator|k8s.io/sample-*) continue ;; esac
    roots+=("$m=$(module_dir "$m" "$staging")")
  done < <((cd "$dir/kubernetes" && go mod edit -json) | jq -r '.Replace // [] | .[] | select(.New.Version == null) | .Old.Path')
  local inputs=() root path d
  for root in "${roots[@]}"; do
    path="${root%%=*}"; d="${root#*=}"
    # Directories (not under _* or .* ones) with a .go file carrying a `// +k8s:` tag line that
    # mentions +k8s:openapi-gen= (ALL_K8S_TAG_FILES, then the grep of OPENAPI_DIR_DEF).
    while IFS= read -r f; do
      f="${f#"$d"}"; f="${f#/}"; inputs+=("$path${f:+/$f}")
    done < <(cd "$d" && find -H . -not \( \( -name '_*' -o -name '.[^.]*' \) -prune \) -type f -name '*.go' -print0 \
               | xargs -0 grep -l '^// *+k8s:' | xargs grep -l '+k8s:openapi-gen=' | sed 's|/[^/]*$||; s|^\.||' | LC_ALL=C sort -u | sed "s|^|$d|")
  done
  [[ ${#inputs[@]} -gt 0 ]] || die "openapi-gen: found no +k8s:openapi-gen tagged directories"
  log "  openapi-gen over ${#inputs[@]} tagged packages"
  (cd "$dir" && go build -o "$dir/openapi-gen" k8s.io/kube-openapi/cmd/openapi-gen >&2) || die "openapi-gen: go build failed"
  local IFS=,
  # gengo of 2020 predates go/types aliases (Go >= 1.23 reports `any` and meta/v1beta1's aliases as
  # types.Alias, which it cannot resolve): have the type checker resolve them as before.
  (cd "$dir" && GODEBUG=gotypesalias=0 "$dir/openapi-gen" --logtostderr -i "${inputs[*]}" -p "$kube_module/pkg/generated/openapi" \
      -O zz_generated.openapi -o "$dir/gen" -h "$dir/kubernetes/hack/boilerplate/boilerplate.generatego.txt" \
      -r "$dir/gen/violations.report" >&2) || die "openapi-gen failed"
  unset IFS
  cp "$dir/gen/$kube_module/pkg/generated/openapi/zz_generated.openapi.go" "$dir/kubernetes/pkg/generated/openapi/" \
    || die "openapi-gen wrote no zz_generated.openapi.go"
  log "  generated $(wc -l < "$dir/kubernetes/pkg/generated/openapi/zz_generated.openapi.go") lines in $(( $(date +%s) - started ))s"
}

build_minor() {
  local minor="$1"
  local spec; spec=$(jq -ce --arg m "$minor" '.minors[$m]' "$versions_file") \
    || die "versions.json has no .minors[\"$minor\"] (known: $(jq -r '.minors | keys | join(", ")' "$versions_file"))"
  local version staging
  version=$(jq -er .version <<<"$spec"); staging=$(jq -er .stagingVersion <<<"$spec")
  local key; key=$( { echo "$spec"; echo "minor recipe $recipe $go_version $platform"; } | sha256sum | cut -c1-16)
  local bin="$cache_root/minor-$minor-$key/bin" names=(kube-apiserver kube-controller-manager kube-scheduler)
  mkdir -p "$bin"
  if all_present "$bin" "${names[@]}"; then log "kubernetes $version: cached"; echo "$bin"; return; fi
  log "kubernetes $version (staging modules at $staging)"
  local dir="$tmp_root/minor-$minor"; mkdir -p "$dir"
  printf 'module kspan.local/e2e/kubernetes-%s\n\ngo %s\n' "$minor" "${go_version#go}" > "$dir/go.mod"
  local edits=(-require="$kube_module@$version") r
  mapfile -t -O "${#edits[@]}" edits < <(staging_replaces "$version" "$staging")
  # Releases before ~1.24 pin every dependency with replace directives, which a dependent module
  # does not inherit: copy them, so the control plane links the versions it was released with.
  mapfile -t -O "${#edits[@]}" edits < <(copy_replaces "$(module_gomod "$kube_module" "$version")")
  # Then the dependencies of old releases that do not build or run with today's Go, replaced by the
  # first release that does (each entry says why in versions.json); a later -replace wins.
  while IFS= read -r r; do edits+=("-replace=$r"); done < <(jq -r '.replace // {} | to_entries[] | "\(.key)=\(.value.with)"' <<<"$spec")
  (cd "$dir" && go mod edit "${edits[@]}")
  : > "$dir/go.sum"; append_sum "$dir" "$kube_module" "$version"
  # Modules whose checksum the sum.golang.org mirror does not serve (404); their go.sum line is then
  # computed from the zip the module proxy served.
  local nosum; nosum=$(jq -r '.noSumDb // [] | join(",")' <<<"$spec")
  if [[ $(jq -r '.openapiGen // false' <<<"$spec") == true ]]; then
    GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}$nosum" generate_openapi "$dir" "$version" "$staging"
  fi
  local pkgs=() n; for n in "${names[@]}"; do pkgs+=("$kube_module/cmd/$n"); done
  # Build tags, e.g. providerless: leaves out the in-tree cloud providers (and the Azure, GCE, vSphere
  # SDKs they link) that releases before 1.31 still carry; a kwok cluster has no cloud.
  local tags; tags=$(jq -r '.tags // [] | join(",")' <<<"$spec")
  GOFLAGS="$GOFLAGS${tags:+ -tags=$tags}" GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}$nosum" go_build "kubernetes-$minor" "$dir" "$bin" "$ldflags_base$(kube_version_ldflags "$version")" "${pkgs[@]}"
  echo "$bin"
}

if [[ "${1:-}" == minor ]]; then
  [[ $# -eq 2 ]] || die "usage: build.sh minor <M.N>"
  build_minor "$2"
  exit 0
fi

components=("$@")
[[ ${#components[@]} -gt 0 ]] || components=(etcd kwok kubernetes jaeger)
mkdir -p "$default_bin"
total_started=$(date +%s)
log "cache: $default_bin ($go_version $platform)"
for c in "${components[@]}"; do
  case "$c" in
    etcd) build_etcd ;;
    kwok) build_kwok ;;
    kubernetes) build_kubernetes ;;
    jaeger) build_jaeger ;;
    kubectl) build_kubectl ;;
    kind) build_kind ;;
    *) die "unknown component '$c' (expected etcd, kwok, kubernetes, jaeger, kubectl, kind, or: minor <M.N>)" ;;
  esac
done
log "done in $(( $(date +%s) - total_started ))s; binaries in $default_bin"
echo "$default_bin"
