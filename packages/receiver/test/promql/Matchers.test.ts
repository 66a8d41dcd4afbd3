import { assert, describe, it } from "@effect/vitest"
import * as Matchers from "../../src/promql/Matchers.ts"

describe("Matchers", () => {
  const labels = { __name__: "x", rig: "mol", role: "mol/witness" }

  it("reads a missing label as the empty string", () => {
    assert.isTrue(Matchers.matches([{ name: "agent", op: "=", value: "" }], labels))
    assert.isTrue(Matchers.matches([{ name: "agent", op: "=~", value: ".*" }], labels))
    assert.isFalse(Matchers.matches([{ name: "agent", op: "=~", value: ".+" }], labels))
    assert.isFalse(Matchers.matches([{ name: "rig", op: "!=", value: "mol" }], labels))
  })

  it("anchors regular expressions at both ends", () => {
    assert.isTrue(Matchers.matches([{ name: "rig", op: "=~", value: "mol|gt" }], labels))
    assert.isFalse(Matchers.matches([{ name: "rig", op: "=~", value: "mo" }], labels))
    assert.isTrue(Matchers.matches([{ name: "role", op: "!~", value: "mol" }], labels))
    assert.isTrue(Matchers.matches([{ name: "rig", op: "=~", value: "(?i)MOL" }], labels))
  })

  it("names a pattern it cannot compile", () => {
    assert.throws(() => Matchers.anchoredRegex("(unclosed"), /cannot parse regexp "\(unclosed"/)
  })
})
