import { assert, describe, it } from "@effect/vitest"
import { Correlation } from "@gastown-otel/schema"
import { Schema } from "effect"

const decode = Schema.decodeUnknownSync(Correlation.FromEnvironment)

describe("Correlation", () => {
  it("reads every correlation label from its environment variable", () => {
    assert.deepStrictEqual(
      decode({
        GT_ROLE: "mol/polecats/jana",
        GT_RIG: "mol",
        BD_ACTOR: "mol/witness",
        GT_POLECAT: "jana",
        GT_CREW: "ignored-when-polecat-set",
        GT_SESSION: "s-1",
        GT_RUN: "run-9",
        GT_TOWN: "gastown",
        PATH: "/bin"
      }),
      {
        "gt.role": "mol/polecats/jana",
        "gt.rig": "mol",
        "gt.actor": "mol/witness",
        "gt.agent": "jana",
        "gt.town": "gastown",
        "gt.session": "s-1",
        "gt.run_id": "run-9"
      }
    )
  })

  it("falls back from GT_POLECAT to GT_CREW and leaves empty values unset", () => {
    assert.deepStrictEqual(decode({ GT_CREW: "max", GT_POLECAT: "", GT_RIG: "  " }), { "gt.agent": "max" })
    assert.deepStrictEqual(decode({}), {})
  })

  it("keeps the high-cardinality labels off metrics", () => {
    assert.deepStrictEqual(Correlation.metricKeys, ["gt.role", "gt.rig", "gt.actor", "gt.agent"])
  })

  it.prop("encodes back to an environment that decodes to the same labels", [Correlation.Labels], ([context]) => {
    const trimmed = Object.fromEntries(Object.entries(context).filter(([, v]) => v.trim() === v && v !== ""))
    const env = Schema.encodeSync(Correlation.FromEnvironment)(trimmed)
    assert.deepStrictEqual(decode(env), trimmed)
  })

  it("rejects a label value of the wrong type", () => {
    assert.throws(() => Schema.decodeUnknownSync(Correlation.Labels)({ "gt.rig": 3 }), /gt\.rig/)
  })
})
