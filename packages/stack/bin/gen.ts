// `npm run gen`: rewrites every generated file from the catalogue: the catalogue sections of
// the README and docs/contract.md, the stack's compose file, Grafana provisioning and dashboards.
import { Docs, Files } from "@gastown-otel/stack"
import { Effect } from "effect"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = new URL("../../../", import.meta.url)

for (const document of Docs.documents) {
  const target = new URL(document, root)
  writeFileSync(target, Docs.replaceSection(readFileSync(target, "utf8")))
  console.log(`${document}: catalogue section regenerated`)
}

for (const file of await Effect.runPromise(Files.files)) {
  const target = new URL(file.path, root)
  mkdirSync(dirname(fileURLToPath(target)), { recursive: true })
  writeFileSync(target, file.content)
  console.log(`${file.path}: generated`)
}
