// Shared by the .ci/*.mjs scripts: loads the npm packages that .ci/helm-tools.sh installs into
// .tools/node-k8s (or KV_NODE_MODULES), and reads multi-document YAML from files or stdin.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = process.env.KV_NODE_MODULES || join(repoRoot, ".tools", "node-k8s", "node_modules");

if (!existsSync(nodeModules)) {
  console.error(`node modules not found at ${nodeModules}; run .ci/helm-check.sh once (it installs them), or set KV_NODE_MODULES`);
  process.exit(2);
}

/** require() that resolves packages from the tool directory. */
export const requireTool = createRequire(join(nodeModules, "..", "package.json"));

/** Every non-empty YAML document in the given files, or in stdin when none are given. */
export function readDocuments(files) {
  const YAML = requireTool("yaml");
  const texts = files.length ? files.map((f) => ({ source: f, text: readFileSync(f, "utf8") })) : [{ source: "stdin", text: readFileSync(0, "utf8") }];
  const docs = [];
  for (const { source, text } of texts) {
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length) {
        throw new Error(`${source}: YAML error: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value !== null && value !== undefined) {
        docs.push(value);
      }
    }
  }
  return docs;
}

/** "Kind/name" for messages. */
export function describe(doc) {
  return `${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
}
