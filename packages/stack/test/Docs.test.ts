import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Naming } from "@gastown-otel/schema"
import { Docs } from "@gastown-otel/stack"
import { readFileSync } from "node:fs"

const read = (document: string) => readFileSync(new URL(`../../../${document}`, import.meta.url), "utf8")

describe("generated catalogue sections", () => {
  for (const document of Docs.documents) {
    it(`${document}: current (run \`npm run gen\` when this fails)`, () => {
      const text = read(document)
      assert.include(text, Docs.markers.start)
      assert.strictEqual(text, Docs.replaceSection(text))
    })
  }

  it("list every metric and every event", () => {
    const section = Docs.catalogueSection()
    for (const m of Catalogue.metrics) assert.include(section, `\`${Naming.promCompatible(m.name)}\``)
    for (const e of Catalogue.entries) assert.include(section, `\`${e.spec.name}\``)
  })
})
