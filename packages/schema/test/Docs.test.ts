import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Docs, Naming } from "@gastown-otel/schema"
import { readFileSync } from "node:fs"

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")

describe("README catalogue", () => {
  it("is the generated section, current (run `npm run gen` when this fails)", () => {
    assert.strictEqual(readme, Docs.replaceSection(readme))
  })

  it("lists every metric and every event", () => {
    const section = Docs.catalogueSection()
    for (const m of Catalogue.metrics) assert.include(section, `\`${Naming.promCompatible(m.name)}\``)
    for (const e of Catalogue.entries) assert.include(section, `\`${e.spec.name}\``)
  })
})
