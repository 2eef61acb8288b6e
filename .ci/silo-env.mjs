// Prints the environment of the silo container, as the chart renders it, as JSON, so a test can
// start silo processes with exactly that environment (mapping hosts and ports to loopback).
//   helm template kv helm/orleans-kv [-f values.yaml ...] | node .ci/silo-env.mjs [--no-resolve]
//   (or: bash .ci/render-silo-env.sh [helm template options], which fetches helm first)
//
// Output:
//   {
//     "workload": "Deployment/kv-orleans-kv", "container": "silo",
//     "env":   { "BIND_ADDRESS": "0.0.0.0", ..., "ADVERTISED_HOST": {"fieldRef": "status.podIP"},
//                "ADMIN_TOKEN": "<value>" },
//     "refs":  { "ADVERTISED_HOST": {"fieldRef": "status.podIP", "resolved": false},
//                "ADMIN_TOKEN": {"secretKeyRef": {"name": "...", "key": "admin-token"}, "resolved": true} },
//     "ports": { "http": 3000, "grpc": 50051, "silo": 11111 },
//     "files": { "/etc/orleans-kv/jwt/public-key.pem": "-----BEGIN PUBLIC KEY-----..." }
//   }
// env holds a string for every literal value and for every secretKeyRef/configMapKeyRef whose
// Secret/ConfigMap is in the rendered output (decoded); anything else (fieldRef such as the pod
// IP, resourceFieldRef, objects made outside the chart, or all refs with --no-resolve) stays an
// object naming its source. refs lists the source of every value that was not a literal.
// $(VAR) references in values are expanded as the kubelet does. files holds the contents of
// ConfigMap/Secret volumes mounted into the container, keyed by their path in the container.
import { describe, readDocuments } from "./node-tools.mjs";

const args = process.argv.slice(2);
const resolve = !args.includes("--no-resolve");
const files = args.filter((a) => !a.startsWith("--"));
const docs = readDocuments(files);

const workload = docs.find((d) => d.kind === "Deployment" && d.metadata?.labels?.["app.kubernetes.io/component"] === "silo")
  ?? docs.find((d) => d.kind === "Deployment");
if (!workload) {
  console.error("no silo Deployment in the input");
  process.exit(1);
}
const pod = workload.spec.template.spec;
const container = pod.containers.find((c) => c.name === "silo") ?? pod.containers[0];

function objectData(kind, name) {
  const d = docs.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!d) return null;
  const data = {};
  for (const [k, v] of Object.entries(d.data ?? {})) data[k] = kind === "Secret" ? Buffer.from(v, "base64").toString("utf8") : v;
  Object.assign(data, d.stringData ?? {});
  return data;
}

// The kubelet's $(VAR) expansion: known names are replaced, $$ escapes, unknown ones stay.
function expand(value, env) {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => {
    if (m === "$$") return "$";
    return typeof env[name] === "string" ? env[name] : m;
  });
}

const env = {};
const refs = {};
for (const e of container.env ?? []) {
  if (e.valueFrom === undefined) {
    env[e.name] = expand(String(e.value ?? ""), env);
    delete refs[e.name];
    continue;
  }
  const from = e.valueFrom;
  const ref = from.secretKeyRef ?? from.configMapKeyRef;
  if (ref) {
    const kind = from.secretKeyRef ? "secretKeyRef" : "configMapKeyRef";
    const data = resolve ? objectData(from.secretKeyRef ? "Secret" : "ConfigMap", ref.name) : null;
    const marker = { [kind]: { name: ref.name, key: ref.key } };
    const found = data !== null && Object.hasOwn(data, ref.key);
    env[e.name] = found ? data[ref.key] : marker;
    refs[e.name] = { ...marker, resolved: found };
  } else if (from.fieldRef) {
    env[e.name] = { fieldRef: from.fieldRef.fieldPath };
    refs[e.name] = { fieldRef: from.fieldRef.fieldPath, resolved: false };
  } else {
    env[e.name] = { ...from };
    refs[e.name] = { ...from, resolved: false };
  }
}

const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name ?? String(p.containerPort), p.containerPort]));

const mounted = {};
for (const m of container.volumeMounts ?? []) {
  const volume = (pod.volumes ?? []).find((v) => v.name === m.name);
  const source = volume?.configMap ? ["ConfigMap", volume.configMap] : volume?.secret ? ["Secret", { ...volume.secret, name: volume.secret.secretName }] : null;
  if (!source) continue;
  const data = objectData(source[0], source[1].name);
  if (!data) continue;
  const items = source[1].items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (Object.hasOwn(data, item.key)) mounted[`${m.mountPath.replace(/\/$/, "")}/${item.path}`] = data[item.key];
  }
}

console.log(JSON.stringify({ workload: describe(workload), container: container.name, env, refs, ports, files: mounted }, null, 2));
