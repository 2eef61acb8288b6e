// The values table of docs/kubernetes.md, made from the comments in helm/orleans-kv/values.yaml.
//   node .ci/values-table.mjs                 prints the table
//   node .ci/values-table.mjs --write FILE    replaces the table between the markers in FILE
//   node .ci/values-table.mjs --check FILE    exits 1 when FILE's table is stale
// A value is documented by a comment block starting with "# --" right above its key; that
// documents the key and everything under it. An undocumented key must be a map whose keys are
// all documented, so a value without a comment is an error (exit 1) in every mode.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireTool } from "./node-tools.mjs";

const START = "<!-- values-table:start (made by .ci/values-table.mjs from values.yaml; do not edit) -->";
const END = "<!-- values-table:end -->";
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const valuesFile = join(repoRoot, "helm", "orleans-kv", "values.yaml");

const text = readFileSync(valuesFile, "utf8");
const values = requireTool("yaml").parse(text);
const lines = text.split("\n");

const rows = [];
const undocumented = [];
const stack = []; // [{indent, key}]
let skipDeeperThan = -1;
for (let i = 0; i < lines.length; i++) {
  const m = /^( *)([A-Za-z0-9_.-]+):( .*)?$/.exec(lines[i]);
  if (!m) continue;
  const indent = m[1].length;
  if (skipDeeperThan >= 0 && indent > skipDeeperThan) continue;
  skipDeeperThan = -1;
  while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
  const path = [...stack.map((s) => s.key), m[2]];
  const value = path.reduce((v, k) => (v == null ? undefined : v[k]), values);

  // The comment block right above the key, from its "# --" line down.
  const comments = [];
  for (let j = i - 1; j >= 0 && lines[j].startsWith(" ".repeat(indent) + "#"); j--) comments.unshift(lines[j].trim().replace(/^# ?/, ""));
  const first = comments.findIndex((c) => c.startsWith("-- "));
  const isMap = value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0;
  if (first >= 0) {
    const description = comments.slice(first).join(" ").replace(/^-- /, "");
    rows.push({ key: path.join("."), value, description });
    skipDeeperThan = indent;
  } else if (isMap) {
    stack.push({ indent, key: m[2] });
  } else {
    undocumented.push(path.join("."));
  }
}

const cell = (s) => s.replace(/\|/g, "\\|");
const table = [
  "| Key | Default | Description |",
  "|---|---|---|",
  ...rows.map((r) => `| \`${r.key}\` | \`${cell(JSON.stringify(r.value ?? null))}\` | ${cell(r.description)} |`),
].join("\n");

if (undocumented.length) {
  console.error(`values.yaml: no "# --" comment for: ${undocumented.join(", ")}`);
  process.exit(1);
}

const [mode, file] = process.argv.slice(2);
if (!mode) {
  console.log(table);
  process.exit(0);
}
const doc = readFileSync(file, "utf8");
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  console.error(`${file}: the markers ${START} ... ${END} are missing`);
  process.exit(1);
}
const updated = `${doc.slice(0, start)}${START}\n${table}\n${doc.slice(end)}`;
if (mode === "--write") {
  writeFileSync(file, updated);
  console.log(`${file}: values table written (${rows.length} rows)`);
} else if (mode === "--check") {
  if (updated !== doc) {
    console.error(`${file}: the values table is stale; run node .ci/values-table.mjs --write ${file}`);
    process.exit(1);
  }
  console.log(`${rows.length} values documented, table current`);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
