#!/usr/bin/env bash
# Builds helm from its Go module (no container, no download of a release binary: the Go module proxy is
# enough), cached in ${KSPAN_HELM_CACHE:-~/.cache/kspan-helm}/<version>/helm, then runs deploy/helm-check.ts:
# `helm lint` and `helm template` of deploy/helm/kspan across value sets. A helm already on PATH at the
# pinned version is used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v3.22.0
cache="${KSPAN_HELM_CACHE:-$HOME/.cache/kspan-helm}/$version"
helm="$cache/helm"
if command -v helm >/dev/null && helm version --short 2>/dev/null | grep -q "^$version"; then
  helm=$(command -v helm)
elif [[ ! -x "$helm" ]]; then
  command -v go >/dev/null || { echo "helm-check: needs Go (go install helm.sh/helm/v3/cmd/helm@$version) or helm $version on PATH" >&2; exit 1; }
  echo "helm-check: building helm $version from its Go module into $cache (once)" >&2
  mkdir -p "$cache"
  started=$(date +%s)
  GOBIN="$cache" GOFLAGS=-trimpath nice -n 10 go install -ldflags="-s -w" "helm.sh/helm/v3/cmd/helm@$version"
  echo "helm-check: built in $(( $(date +%s) - started )) s" >&2
fi
exec ./node_modules/.bin/node deploy/helm-check.ts "$helm"
