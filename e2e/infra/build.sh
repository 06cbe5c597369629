#!/usr/bin/env bash
# Builds the Docker-free e2e binaries (Jaeger v2, etcd, Kubernetes control plane, kubectl, kwok,
# kwokctl) from Go sources through the Go module proxy, into a cache outside the repository:
#
#   ${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}/<key>/bin
#
# <key> is a hash of the pinned versions (versions.json), the Go version and the platform, so a
# version bump builds into a fresh directory and an unchanged pin finds its binaries at once.
# Idempotent: a component whose binaries are all present is skipped. Progress goes to stderr; the
# bin directory is the only line written to stdout.
#
# Usage: e2e/infra/build.sh [jaeger|etcd|kubernetes|kwok|kind ...]
#   default: jaeger etcd kubernetes kwok (the local runtime). `kind` (for the Docker path, pinned
#   by .containers.kindVersion) is built only when asked for.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
versions_file="$here/versions.json"

die() { echo "build.sh: error: $*" >&2; exit 1; }
log() { echo "[kspan-e2e build $(date +%H:%M:%S)] $*" >&2; }

command -v go >/dev/null || die "go is not on PATH; install Go >= 1.26 (https://go.dev/dl/)"
command -v jq >/dev/null || die "jq is not on PATH; install it (apt-get install jq)"
[[ -f "$versions_file" ]] || die "missing $versions_file"

pin() { jq -er "$1" "$versions_file" || die "versions.json has no $1"; }

jaeger_module=$(pin .go.jaeger.module)
jaeger_version=$(pin .go.jaeger.version)
kube_module=$(pin .go.kubernetes.module)
kube_version=$(pin .go.kubernetes.version)
kube_staging_version=$(pin .go.kubernetes.stagingVersion)
etcd_module=$(pin .go.etcd.module)
etcd_version=$(pin .go.etcd.version)
kwok_module=$(pin .go.kwok.module)
kwok_version=$(pin .go.kwok.version)
kind_version=$(pin .containers.kindVersion)

go_version=$(go env GOVERSION)
platform="$(go env GOOS)-$(go env GOARCH)"
key=$( { jq -cS .go "$versions_file"; echo "$go_version $platform"; } | sha256sum | cut -c1-16)
cache_root="${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}"
out="$cache_root/$key"
bin="$out/bin"
mkdir -p "$bin"
timings="$out/build-times.tsv"

# Static binaries, no network at run time, never a toolchain download; every go command uses all
# cores for package-level parallelism (one go build at a time, so they do not fight over 2 cores).
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

# all_present NAME... : true when every named binary is already in the cache.
all_present() { local b; for b in "$@"; do [[ -x "$bin/$b" ]] || return 1; done; }

# new_wrapper MODULE_NAME : a temporary wrapper module directory (printed).
new_wrapper() {
  local dir="$tmp_root/$1"
  mkdir -p "$dir"
  printf 'module kspan.local/e2e/%s\n\ngo %s\n' "$1" "${go_version#go}" > "$dir/go.mod"
  echo "$dir"
}

# seed_sum DIR MODULE VERSION : starts the wrapper's go.sum from the upstream module's go.sum, so
# the checksums of its dependencies come from the release itself rather than from sum.golang.org
# lookups (which a proxy mirror may not serve for every version).
seed_sum() {
  local src; src="$(cd "$tmp_root" && go mod download -json "$2@$3" | jq -er .Dir)/go.sum"
  [[ -f "$src" ]] && cp "$src" "$1/go.sum" && chmod u+w "$1/go.sum"
  return 0
}

# copy_replaces GOMOD_FILE : prints the replace directives of a go.mod that point at a module
# version (path => path vX), dropping the ones that point at local directories.
copy_replaces() {
  (cd "$(dirname "$1")" && go mod edit -json "$1") \
    | jq -r '.Replace // [] | .[] | select(.New.Version != null)
             | "-replace=\(.Old.Path)\(if .Old.Version then "@"+.Old.Version else "" end)=\(.New.Path)@\(.New.Version)"'
}

# module_gomod MODULE VERSION : the go.mod file of a module version, downloaded through the proxy.
module_gomod() { (cd "$tmp_root" && go mod download -json "$1@$2" | jq -er .GoMod); }

# build COMPONENT DIR LDFLAGS PKG... : builds the main packages of a wrapper module into the cache.
build() {
  local component="$1" dir="$2" ldflags="$3"; shift 3
  local started; started=$(date +%s)
  start_heartbeat "$component" "$started"
  # No `go mod tidy`: it would also resolve the tests of every dependency. `go build -mod=mod`
  # resolves and records exactly what the build needs.
  log "$component: resolving modules and compiling $*"
  local staging="$dir/out"; mkdir -p "$staging"
  (cd "$dir" && go build -ldflags="$ldflags" -o "$staging/" "$@" >&2) || die "$component: go build failed"
  # A main package at a major-version path (go.etcd.io/etcd/server/v3) builds as "server".
  [[ "$component" == etcd && -f "$staging/server" ]] && mv "$staging/server" "$staging/etcd"
  mv -f "$staging"/* "$bin/"
  stop_heartbeat
  local took=$(( $(date +%s) - started ))
  printf '%s\t%s\t%s\n' "$component" "$took" "$(date -u +%FT%TZ)" >> "$timings"
  log "$component: built in ${took}s"
}

build_jaeger() {
  all_present jaeger && { log "jaeger: cached"; return; }
  log "jaeger: $jaeger_module@$jaeger_version"
  local dir; dir=$(new_wrapper jaeger)
  local gomod; gomod=$(module_gomod "$jaeger_module" "$jaeger_version")
  local replaces; mapfile -t replaces < <(copy_replaces "$gomod")
  (cd "$dir" && go mod edit -require="$jaeger_module@$jaeger_version" "${replaces[@]}")
  seed_sum "$dir" "$jaeger_module" "$jaeger_version"
  build jaeger "$dir" "$ldflags_base" "$jaeger_module/cmd/jaeger"
}

build_etcd() {
  all_present etcd && { log "etcd: cached"; return; }
  log "etcd: $etcd_module@$etcd_version"
  local dir; dir=$(new_wrapper etcd)
  # The server module replaces its sibling modules with ../api etc.; pin them to the same release.
  local edits=(-require="$etcd_module@$etcd_version")
  local m; for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
    edits+=(-require="$m@$etcd_version")
  done
  (cd "$dir" && go mod edit "${edits[@]}")
  seed_sum "$dir" "$etcd_module" "$etcd_version"
  build etcd "$dir" "$ldflags_base" "$etcd_module"
}

build_kubernetes() {
  local names=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
  all_present "${names[@]}" && { log "kubernetes: cached"; return; }
  log "kubernetes: $kube_module@$kube_version (staging modules at $kube_staging_version)"
  local dir; dir=$(new_wrapper kubernetes)
  local gomod; gomod=$(module_gomod "$kube_module" "$kube_version")
  # k8s.io/kubernetes replaces every staging module with ./staging/src/...; a module that depends
  # on it must replace each one with the published release instead.
  local staging; mapfile -t staging < <((cd "$(dirname "$gomod")" && go mod edit -json "$gomod") \
    | jq -r '.Replace // [] | .[] | select(.New.Version == null) | .Old.Path')
  [[ ${#staging[@]} -gt 0 ]] || die "kubernetes: found no staging replace directives in $gomod"
  local edits=(-require="$kube_module@$kube_version") m
  for m in "${staging[@]}"; do edits+=(-replace="$m=$m@$kube_staging_version"); done
  (cd "$dir" && go mod edit "${edits[@]}")
  local pkgs=() n; for n in "${names[@]}"; do pkgs+=("$kube_module/cmd/$n"); done
  seed_sum "$dir" "$kube_module" "$kube_version"
  local v="${kube_version#v}" ldflags="$ldflags_base" kv
  local major="${v%%.*}" minor; minor="${v#*.}"; minor="${minor%%.*}"
  for kv in "gitVersion=$kube_version" "gitMajor=$major" "gitMinor=$minor" "gitTreeState=clean" \
            "buildDate=1970-01-01T00:00:00Z"; do
    ldflags+=" -X k8s.io/client-go/pkg/version.$kv -X k8s.io/component-base/version.$kv"
  done
  build kubernetes "$dir" "$ldflags" "${pkgs[@]}"
}

build_kwok() {
  all_present kwok kwokctl && { log "kwok: cached"; return; }
  log "kwok: $kwok_module@$kwok_version"
  local dir; dir=$(new_wrapper kwok)
  local gomod; gomod=$(module_gomod "$kwok_module" "$kwok_version")
  local replaces; mapfile -t replaces < <(copy_replaces "$gomod")
  (cd "$dir" && go mod edit -require="$kwok_module@$kwok_version" "${replaces[@]}")
  seed_sum "$dir" "$kwok_module" "$kwok_version"
  build kwok "$dir" "$ldflags_base -X $kwok_module/pkg/consts.Version=${kwok_version#v}" \
    "$kwok_module/cmd/kwok" "$kwok_module/cmd/kwokctl"
}

build_kind() {
  # kind is outside the cache key (.go); its own `kind version` tells whether it is the pinned one.
  if [[ -x "$bin/kind" ]] && "$bin/kind" version 2>/dev/null | grep -q "kind $kind_version "; then
    log "kind: cached"; return
  fi
  log "kind: sigs.k8s.io/kind@$kind_version"
  local dir; dir=$(new_wrapper kind)
  (cd "$dir" && go mod edit -require="sigs.k8s.io/kind@$kind_version")
  seed_sum "$dir" sigs.k8s.io/kind "$kind_version"
  build kind "$dir" "$ldflags_base" sigs.k8s.io/kind
}

components=("$@")
[[ ${#components[@]} -gt 0 ]] || components=(etcd kwok kubernetes jaeger)
total_started=$(date +%s)
log "cache: $out ($go_version $platform)"
for c in "${components[@]}"; do
  case "$c" in
    jaeger) build_jaeger ;;
    etcd) build_etcd ;;
    kubernetes) build_kubernetes ;;
    kwok) build_kwok ;;
    kind) build_kind ;;
    *) die "unknown component '$c' (expected jaeger, etcd, kubernetes, kwok or kind)" ;;
  esac
done
log "done in $(( $(date +%s) - total_started ))s; binaries in $bin"
echo "$bin"
