// Rewrites every generated file from the catalogue: the README's catalogue section.
import { Docs } from "@gastown-otel/schema"
import { readFileSync, writeFileSync } from "node:fs"

const readme = new URL("../README.md", import.meta.url)
writeFileSync(readme, Docs.replaceSection(readFileSync(readme, "utf8")))
console.log("README.md: catalogue section regenerated")
