// Rewrites every generated file from the catalogue: the README's catalogue section, and the
// stack's compose file, Grafana provisioning and dashboards.
import { Docs, Stack } from "@gastown-otel/schema"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = new URL("../", import.meta.url)

const readme = new URL("README.md", root)
writeFileSync(readme, Docs.replaceSection(readFileSync(readme, "utf8")))
console.log("README.md: catalogue section regenerated")

for (const file of Stack.files()) {
  const target = new URL(file.path, root)
  mkdirSync(dirname(fileURLToPath(target)), { recursive: true })
  writeFileSync(target, file.content)
  console.log(`${file.path}: generated`)
}
