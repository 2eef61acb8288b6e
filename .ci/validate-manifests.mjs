// Validates rendered Kubernetes manifests (the output of `helm template`).
//   node .ci/validate-manifests.mjs rendered.yaml [more.yaml ...]   (or the YAML on stdin)
// Each document is checked against the schema of its apiVersion/kind with npm kubernetes-models'
// .validate(); the ServiceMonitor CRD against the small schema below. Then a few checks a schema
// cannot do: recommended labels, selectors that match their pod templates, Services whose named
// target ports exist in the pods they select, and secret/config references to rendered objects.
// Prints one line per document and exits 1 when anything fails.
import { describe, readDocuments, requireTool } from "./node-tools.mjs";

const RECOMMENDED_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/version",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
  "helm.sh/chart",
];

// monitoring.coreos.com/v1 ServiceMonitor: only the fields this chart writes, strictly.
const SERVICE_MONITOR_SCHEMA = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "ServiceMonitor" },
    metadata: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 253 },
        namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
        labels: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    spec: {
      type: "object",
      required: ["selector", "endpoints"],
      additionalProperties: false,
      properties: {
        namespaceSelector: {
          type: "object",
          additionalProperties: false,
          properties: { any: { type: "boolean" }, matchNames: { type: "array", items: { type: "string" } } },
        },
        selector: {
          type: "object",
          additionalProperties: false,
          properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } }, matchExpressions: { type: "array" } },
        },
        endpoints: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["port"],
            additionalProperties: false,
            properties: {
              port: { type: "string", minLength: 1 },
              path: { type: "string", pattern: "^/" },
              scheme: { enum: ["http", "https"] },
              interval: { type: "string", pattern: "^([0-9]+(ms|s|m|h))+$" },
              scrapeTimeout: { type: "string", pattern: "^([0-9]+(ms|s|m|h))+$" },
            },
          },
        },
      },
    },
  },
};

// monitoring.coreos.com/v1 PrometheusRule: the fields this chart writes, strictly; every rule an alert.
const PROMETHEUS_RULE_SCHEMA = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "PrometheusRule" },
    metadata: SERVICE_MONITOR_SCHEMA.properties.metadata,
    spec: {
      type: "object",
      required: ["groups"],
      additionalProperties: false,
      properties: {
        groups: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["name", "rules"],
            additionalProperties: false,
            properties: {
              name: { type: "string", minLength: 1 },
              rules: {
                type: "array",
                minItems: 1,
                items: {
                  type: "object",
                  required: ["alert", "expr", "labels", "annotations"],
                  additionalProperties: false,
                  properties: {
                    alert: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
                    expr: { type: "string", minLength: 1 },
                    for: { type: "string", pattern: "^([0-9]+(ms|s|m|h))+$" },
                    labels: { type: "object", required: ["severity"], additionalProperties: { type: "string" } },
                    annotations: { type: "object", required: ["summary"], additionalProperties: { type: "string" } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

// Balanced brackets and quotes in a PromQL expression: what a typo in a template most often breaks.
function promqlErrors(expr) {
  const stack = [];
  let quote = null;
  for (const c of expr) {
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ("({[".includes(c)) stack.push(c);
    else if (")}]".includes(c) && stack.pop() !== "({["[")}]".indexOf(c)]) return [`unbalanced '${c}' in: ${expr}`];
  }
  return stack.length || quote ? [`unclosed '${quote ?? stack.at(-1)}' in: ${expr}`] : [];
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

function loadModel(apiVersion, kind) {
  let mod;
  try {
    mod = requireTool(`kubernetes-models/${apiVersion}`); // "v1" or "group/version"
  } catch {
    return null;
  }
  return mod[kind] ?? null;
}

function schemaErrors(doc, ajv) {
  if (doc.apiVersion === "monitoring.coreos.com/v1" && doc.kind === "PrometheusRule") {
    const validate = ajv.compile(PROMETHEUS_RULE_SCHEMA);
    if (!validate(doc)) return validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
    return doc.spec.groups.flatMap((g) => g.rules.flatMap((r) => promqlErrors(r.expr)));
  }
  if (doc.kind === "ConfigMap" && Object.keys(doc.data ?? {}).some((k) => k.endsWith(".json"))) {
    // A Grafana dashboard: it must parse, and every panel query must be balanced PromQL.
    const errors = [];
    for (const [key, text] of Object.entries(doc.data).filter(([k]) => k.endsWith(".json"))) {
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (e) {
        errors.push(`${key} is not JSON: ${e.message}`);
        continue;
      }
      if (!dashboard.uid || !Array.isArray(dashboard.panels) || dashboard.panels.length === 0) errors.push(`${key} has no uid or no panels`);
      for (const panel of dashboard.panels ?? []) for (const t of panel.targets ?? []) errors.push(...promqlErrors(t.expr ?? ""));
    }
    const Model = loadModel(doc.apiVersion, doc.kind);
    try {
      new Model(doc).validate();
    } catch (e) {
      errors.push(e.message);
    }
    return errors;
  }
  if (doc.apiVersion === "monitoring.coreos.com/v1" && doc.kind === "ServiceMonitor") {
    const validate = ajv.compile(SERVICE_MONITOR_SCHEMA);
    return validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
  }
  const Model = loadModel(doc.apiVersion ?? "", doc.kind ?? "");
  if (!Model) {
    return [`no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`];
  }
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    return (e.errors ?? [{ instancePath: "", message: e.message }]).map((x) => `${x.instancePath || "/"} ${x.message}`);
  }
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function podSpec(doc) {
  return WORKLOAD_KINDS.has(doc.kind) ? doc.spec?.template?.spec : undefined;
}

function crossChecks(doc, all) {
  const errors = [];
  const labels = doc.metadata?.labels ?? {};
  for (const key of RECOMMENDED_LABELS) {
    if (!labels[key]) errors.push(`missing label ${key}`);
  }
  const workloads = all.filter((d) => podSpec(d));
  if (WORKLOAD_KINDS.has(doc.kind)) {
    if (!matches(doc.spec?.selector?.matchLabels, doc.spec?.template?.metadata?.labels)) {
      errors.push("spec.selector.matchLabels does not match the pod template's labels");
    }
    const rendered = (kind, name) => all.some((d) => d.kind === kind && d.metadata?.name === name);
    const renderedKeys = (kind, name) => {
      const d = all.find((x) => x.kind === kind && x.metadata?.name === name);
      return d ? new Set([...Object.keys(d.data ?? {}), ...Object.keys(d.stringData ?? {})]) : null;
    };
    for (const c of [...(podSpec(doc).containers ?? []), ...(podSpec(doc).initContainers ?? [])]) {
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef ?? env.valueFrom?.configMapKeyRef;
        if (!ref) continue;
        const kind = env.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
        const keys = renderedKeys(kind, ref.name);
        if (keys && !keys.has(ref.key)) errors.push(`${c.name}: env ${env.name} reads key ${ref.key} that ${kind}/${ref.name} lacks`);
      }
      const portNames = new Set((c.ports ?? []).map((p) => p.name));
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === "string" && !portNames.has(port)) errors.push(`${c.name}: ${probe} uses port ${port}, not declared`);
      }
      const claims = (doc.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name);
      const volumes = new Set([...(podSpec(doc).volumes ?? []).map((v) => v.name), ...claims]);
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) errors.push(`${c.name}: mounts volume ${m.name} that the pod lacks`);
      }
    }
    for (const v of podSpec(doc).volumes ?? []) {
      if (v.configMap && !rendered("ConfigMap", v.configMap.name)) errors.push(`volume ${v.name}: ConfigMap/${v.configMap.name} is not rendered`);
    }
  }
  if (doc.kind === "Service" && doc.spec?.selector) {
    const selected = workloads.filter((w) => matches(doc.spec.selector, w.spec.template.metadata?.labels));
    if (!selected.length) errors.push("selects no rendered workload");
    const names = new Set(selected.flatMap((w) => (podSpec(w).containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name))));
    for (const p of doc.spec.ports ?? []) {
      if (typeof p.targetPort === "string" && !names.has(p.targetPort)) errors.push(`port ${p.name}: targetPort ${p.targetPort} is not a container port of the selected pods`);
    }
  }
  if (doc.kind === "PodDisruptionBudget" && !workloads.some((w) => matches(doc.spec?.selector?.matchLabels, w.spec.template.metadata?.labels))) {
    errors.push("selector matches no rendered pod template");
  }
  if (doc.kind === "ServiceMonitor" && !all.some((d) => d.kind === "Service" && matches(doc.spec?.selector?.matchLabels, d.metadata?.labels))) {
    errors.push("selector matches no rendered Service");
  }
  if (doc.kind === "HorizontalPodAutoscaler") {
    const t = doc.spec?.scaleTargetRef;
    if (!all.some((d) => d.kind === t?.kind && d.metadata?.name === t?.name)) errors.push(`scaleTargetRef ${t?.kind}/${t?.name} is not rendered`);
  }
  return errors;
}

const files = process.argv.slice(2);
const docs = readDocuments(files);
const Ajv = requireTool("ajv");
const ajv = new (Ajv.default ?? Ajv)({ allErrors: true, strict: false });
let failed = 0;
if (!docs.length) {
  console.log("FAIL no documents");
  process.exit(1);
}
for (const doc of docs) {
  const errors = [...schemaErrors(doc, ajv), ...crossChecks(doc, docs)];
  if (errors.length) {
    failed++;
    console.log(`  FAIL ${doc.apiVersion} ${describe(doc)}`);
    for (const e of errors) console.log(`       ${e}`);
  } else {
    const how = doc.kind === "ServiceMonitor" ? "chart's own CRD schema" : "kubernetes-models";
    console.log(`  ok   ${doc.apiVersion} ${describe(doc)} (${how})`);
  }
}
process.exit(failed ? 1 : 0);
