// Floats as Go's strconv.FormatFloat(v, 'f', -1, 64) prints them (label values such as
// `le`, log fields from doubles): the shortest digits that read back as the same double,
// never an exponent.
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { formatFloat } from "../src/internal/GoFormat.ts"

const Finite = Schema.Number.check(Schema.isFinite())

// The significant digits of a decimal string: no sign, point, leading or trailing zeros.
const significant = (s: string) => s.replace(/[-.]/g, "").replace(/^0+/, "").replace(/0+$/, "")

describe("formatFloat", () => {
  it.prop("plain decimal, reads back exactly, with the shortest digits", [Finite], ([v]) => {
    const s = formatFloat(v)
    assert.match(s, /^-?\d+(\.\d*[1-9])?$/, s)
    assert.strictEqual(Number(s), v === 0 ? 0 : v, s)
    if (v !== 0) assert.strictEqual(significant(s), significant(v.toExponential().split("e")[0]!), s)
  })

  it("as Go prints them", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0.005, "0.005"],
      [4.2, "4.2"],
      [-0, "-0"],
      [1e21, "1000000000000000000000"],
      [1e-7, "0.0000001"],
      [123456789.125, "123456789.125"],
      [-2.5e-10, "-0.00000000025"],
      [5e-324, "0." + "0".repeat(323) + "5"],
      [Infinity, "+Inf"],
      [NaN, "NaN"]
    ]
    for (const [v, go] of cases) assert.strictEqual(formatFloat(v), go, String(v))
  })
})
