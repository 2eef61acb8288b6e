#!/usr/bin/env bash
# Checks the Helm chart in helm/orleans-kv without a cluster:
#   1. helm lint --strict and helm template for the defaults and for each helm/orleans-kv/ci/*.yaml
#      (every option on, external Redis, existing Secrets, embedded mode);
#   2. every rendered manifest validated by apiVersion/kind with npm kubernetes-models (the
#      ServiceMonitor CRD with a schema of our own), plus cross-checks (.ci/validate-manifests.mjs);
#   3. bad values must be refused, by the schema or by the chart's own checks, with a clear message;
#   4. NOTES.txt renders; every value has a comment and docs/kubernetes.md's values table is current;
#   5. the silo environment extractor (.ci/silo-env.mjs) on the default render.
# helm and the npm packages are fetched into the git-ignored .tools/ once and reused.
# Prints one line per check, "helm-check: N passed, N failed", then PASS or FAIL; exits 1 on failure.
set -euo pipefail
# shellcheck source=helm-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/helm-tools.sh"

CHART="$REPO_ROOT/helm/orleans-kv"
WORK="$(mktemp -d)"
trap 'cleanup_helm_home; rm -rf "$WORK"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf '  FAIL %s\n' "$1"; [[ -z "${2:-}" ]] || sed 's/^/       /' "$2"; }

ensure_helm
ensure_node_modules
echo "helm-check: $("$HELM" version --template '{{.Version}}'), node $(node --version)"

# Renders one values case, lints it, validates the manifests and checks the kinds it must hold.
# check_case NAME "Kind Kind ..." [helm options...]
check_case() {
  local name="$1" expected="$2"
  shift 2
  local out="$WORK/$name.yaml" log="$WORK/$name.log"
  if "$HELM" lint --strict "$CHART" "$@" >"$log" 2>&1; then ok "$name: helm lint --strict"; else bad "$name: helm lint --strict" "$log"; fi
  if ! "$HELM" template kv "$CHART" --namespace kv "$@" >"$out" 2>"$log"; then
    bad "$name: helm template" "$log"
    return
  fi
  ok "$name: helm template ($(grep -c '^kind:' "$out") objects)"
  if node "$REPO_ROOT/.ci/validate-manifests.mjs" "$out" >"$log" 2>&1; then
    ok "$name: manifests valid"
    sed 's/^/     /' "$log"
  else
    bad "$name: manifests valid" "$log"
  fi
  local kinds
  kinds="$(grep '^kind:' "$out" | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
  if [[ "$kinds" == "$expected" ]]; then ok "$name: renders $expected"; else echo "got: $kinds" >"$log"; bad "$name: renders $expected" "$log"; fi
}

# helm template with these options must fail, and its error must contain the given text.
# must_refuse "what" "expected text" [helm options...]
must_refuse() {
  local what="$1" expect="$2"
  shift 2
  local log="$WORK/refuse.log"
  if "$HELM" template kv "$CHART" "$@" >/dev/null 2>"$log"; then
    echo "rendered, but should have been refused" >"$log"
    bad "refuses $what" "$log"
  elif grep -qF -- "$expect" "$log"; then
    ok "refuses $what: $(grep -F -- "$expect" "$log" | head -n 1 | sed 's/^Error: //; s/^ *- *//' | cut -c1-150)"
  else
    bad "refuses $what, but not with \"$expect\"" "$log"
  fi
}

echo "== render and validate"
check_case defaults "ConfigMap Deployment PodDisruptionBudget Secret Service Service Service Service ServiceAccount StatefulSet"
check_case all-options "ConfigMap ConfigMap ConfigMap Deployment HorizontalPodAutoscaler PodDisruptionBudget PrometheusRule Secret Service Service Service Service ServiceAccount ServiceMonitor StatefulSet" \
  -f "$CHART/ci/all-options-values.yaml"
check_case external-redis "Deployment PodDisruptionBudget Secret Service Service ServiceAccount" \
  -f "$CHART/ci/external-redis-values.yaml"
check_case external-redis-cluster "Deployment PodDisruptionBudget Secret Service Service ServiceAccount" \
  -f "$CHART/ci/external-redis-cluster-values.yaml"
check_case external-sentinel "Deployment PodDisruptionBudget Secret Service Service ServiceAccount" \
  -f "$CHART/ci/external-sentinel-values.yaml"
check_case redis-ha "ConfigMap ConfigMap Deployment PodDisruptionBudget Secret Service Service Service Service Service ServiceAccount StatefulSet StatefulSet" \
  -f "$CHART/ci/redis-ha-values.yaml"
check_case existing-secrets "Deployment Service Service" \
  -f "$CHART/ci/existing-secrets-values.yaml"
check_case embedded "Deployment PodDisruptionBudget Secret Service ServiceAccount" \
  -f "$CHART/ci/embedded-values.yaml"

# The Secret's generated values differ between renders; the pod templates must not, or every
# upgrade would restart the silos and Redis for nothing.
workloads=(--show-only templates/deployment.yaml --show-only templates/redis/statefulset.yaml)
if "$HELM" template kv "$CHART" "${workloads[@]}" >"$WORK/w1.yaml" 2>&1 && "$HELM" template kv "$CHART" "${workloads[@]}" >"$WORK/w2.yaml" 2>&1 \
  && diff "$WORK/w1.yaml" "$WORK/w2.yaml" >"$WORK/wdiff.log"; then
  ok "defaults: pod templates identical across renders (generated secrets do not roll pods)"
else
  bad "defaults: pod templates identical across renders" "$WORK/wdiff.log"
fi

echo "== bad values are refused"
must_refuse "replicaCount=-1" "replicaCount" --set replicaCount=-1
must_refuse "3 replicas without Redis" "replicaCount=3 needs Redis" --set redis.enabled=false
must_refuse "the HPA without Redis" "autoscaling.enabled=true needs Redis" --set redis.enabled=false --set replicaCount=1 --set autoscaling.enabled=true
must_refuse "an unknown value" "Additional property replicas is not allowed" --set replicas=3
must_refuse "an unknown nested value" "Additional property fsync is not allowed" --set redis.fsync=always
must_refuse "a bad logLevel" "logLevel" --set logLevel=Verbose
must_refuse "a bad appendfsync" "appendfsync" --set redis.appendfsync=sometimes
must_refuse "a bad pullPolicy" "pullPolicy" --set image.pullPolicy=Sometimes
must_refuse "a bad service type" "service.type" --set service.type=ExternalName
must_refuse "a short admin token" "adminToken" --set auth.adminToken=short
must_refuse "a short JWT key" "signingKey" --set auth.jwt.signingKey=tooshort
must_refuse "a port out of range" "ports.http" --set ports.http=70000
must_refuse "maxValueBytes=0" "maxValueBytes" --set maxValueBytes=0
must_refuse "a string where a number goes" "replicaCount" --set-string replicaCount=three
must_refuse "a grace period shorter than shutdown + preStop" "terminationGracePeriodSeconds=34 is too short" --set terminationGracePeriodSeconds=34
must_refuse "bundled Redis plus redis.url" "redis.enabled=true runs the bundled Redis" --set redis.url=redis.example:6379
must_refuse "both JWT key kinds" "set only one of auth.jwt.signingKey" --set auth.jwt.signingKey=0123456789abcdef0123456789abcdef --set-file auth.jwt.publicKey="$REPO_ROOT/.ci/test-jwt-public-key.pem"
must_refuse "both PDB fields" "set exactly one of podDisruptionBudget" --set podDisruptionBudget.minAvailable=2
must_refuse "clashing container ports" "must all differ" --set ports.grpc=3000
must_refuse "clashing service ports" "service.httpPort and service.grpcPort must differ" --set service.grpcPort=3000
must_refuse "extraEnv overriding a chart setting" "extraEnv sets REDIS_URL" --set 'extraEnv[0].name=REDIS_URL' --set 'extraEnv[0].value=x:6379'
must_refuse "two external Redis at once" "set only one of redis.url, redis.existingSecret, redis.clusterNodes" --set redis.enabled=false --set redis.url=redis.example:6379 --set 'redis.clusterNodes[0]=node-0:6379'
must_refuse "bundled Redis plus cluster nodes" "redis.clusterNodes and redis.sentinel are for an external one" --set 'redis.clusterNodes[0]=node-0:6379'
must_refuse "a Sentinel without its master name" "needs both redis.sentinel.masterName and redis.sentinel.nodes" --set redis.enabled=false --set 'redis.sentinel.nodes[0]=s-0:26379'
must_refuse "a seed node that is not host:port" "clusterNodes" --set redis.enabled=false --set 'redis.clusterNodes[0]=node-0'
must_refuse "redis.ha without the bundled Redis" "redis.ha.enabled=true is for the bundled Redis" --set redis.enabled=false --set redis.url=redis.example:6379 --set redis.ha.enabled=true
must_refuse "redis.ha.waitReplicas above the one replica" "waitReplicas" --set redis.ha.enabled=true --set redis.ha.waitReplicas=2
must_refuse "a negative redis.waitReplicas" "waitReplicas" --set redis.waitReplicas=-1
must_refuse "an error ratio above 1" "errorRatio" --set metrics.prometheusRule.errorRatio=2
must_refuse "HPA max below min" "autoscaling.maxReplicas=2 is below" --set autoscaling.enabled=true --set autoscaling.maxReplicas=2

echo "== NOTES.txt"
# helm template skips NOTES.txt and helm install --dry-run needs a cluster, so render it from a
# copy of the chart in which it is wrapped into a template of its own.
notes_chart="$WORK/notes/orleans-kv"
mkdir -p "$WORK/notes"
cp -R "$CHART" "$notes_chart"
{ echo '{{- define "ci.notes" -}}'; cat "$CHART/templates/NOTES.txt"; echo '{{- end }}'; } >"$notes_chart/templates/_ci_notes.tpl"
echo 'notes: {{ include "ci.notes" . | toJson }}' >"$notes_chart/templates/ci-notes.yaml"
# check_notes NAME "expected text" [helm options...]
check_notes() {
  local name="$1" expect="$2"
  shift 2
  local out="$WORK/notes-$name.txt"
  if "$HELM" template kv "$notes_chart" --namespace kv --show-only templates/ci-notes.yaml "$@" >"$out" 2>&1 && grep -qF -- "$expect" "$out"; then
    ok "NOTES.txt ($name) says: $expect"
  else
    bad "NOTES.txt ($name) should say: $expect" "$out"
  fi
}
check_notes defaults "get secret kv-orleans-kv -o jsonpath='{.data.admin-token}'"
check_notes embedded "WARNING: its data is in an emptyDir" --set redis.enabled=false --set replicaCount=1
check_notes redis-ha "a primary and a replica behind three Sentinels, REDIS_WAIT_REPLICAS=1" --set redis.ha.enabled=true
check_notes load-balancer "status.loadBalancer.ingress" --set service.type=LoadBalancer
check_notes existing-secret "get secret kv-auth -o jsonpath='{.data.admin}'" -f "$CHART/ci/existing-secrets-values.yaml"

echo "== documentation"
if node "$REPO_ROOT/.ci/values-table.mjs" --check "$REPO_ROOT/docs/kubernetes.md" >"$WORK/table.log" 2>&1; then
  ok "values.yaml comments and docs/kubernetes.md: $(cat "$WORK/table.log")"
else
  bad "values.yaml comments and docs/kubernetes.md" "$WORK/table.log"
fi

echo "== silo environment"
env_json="$WORK/silo-env.json"
# What the default render must give the silo (JavaScript, run by node on silo-env.mjs' output).
read -r -d '' env_checks <<'JS' || true
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const want = { BIND_ADDRESS: "0.0.0.0", HTTP_PORT: "3000", GRPC_PORT: "50051", SILO_PORT: "11111", DATA_DIR: "/data", ADMIN_TOKEN: "ci-admin-token-0123456789", NAMESPACE_OPS_PER_SECOND: "0", LIMITS_REFRESH_SECONDS: "5" };
for (const [k, v] of Object.entries(want)) if (d.env[k] !== v) throw new Error(`${k} is ${JSON.stringify(d.env[k])}, want ${v}`);
if (d.env.ADVERTISED_HOST?.fieldRef !== "status.podIP") throw new Error("ADVERTISED_HOST is not the pod IP");
if (!/^kv-orleans-kv-redis:6379,password=\S+$/.test(d.env.REDIS_URL)) throw new Error(`REDIS_URL is ${d.env.REDIS_URL}`);
if (d.refs.REDIS_URL?.secretKeyRef?.key !== "redis-url") throw new Error("REDIS_URL is not marked as a secretKeyRef");
console.log(`${Object.keys(d.env).length} variables: ${Object.keys(d.env).join(" ")}`);
JS
if "$HELM" template kv "$CHART" --set auth.adminToken=ci-admin-token-0123456789 2>"$WORK/env.log" \
  | node "$REPO_ROOT/.ci/silo-env.mjs" >"$env_json" 2>>"$WORK/env.log" \
  && node -e "$env_checks" "$env_json" >"$WORK/env.out" 2>>"$WORK/env.log"; then
  ok "silo-env.mjs: $(cat "$WORK/env.out")"
else
  bad "silo-env.mjs" "$WORK/env.log"
fi

echo "helm-check: $passed passed, $failed failed"
if ((failed)); then
  echo "FAIL"
  exit 1
fi
echo "PASS"
