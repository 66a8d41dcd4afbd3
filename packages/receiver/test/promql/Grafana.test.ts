// The differential test's model of what Grafana sends (test/support/Grafana.ts).
import { assert, describe, it } from "@effect/vitest"
import * as Grafana from "../support/Grafana.ts"

describe("Grafana panel requests", () => {
  const base = { allValue: ".*", variables: {} }

  it("derive the step from the range and max data points, and Grafana's interval texts", () => {
    const sixHours = Grafana.request("rate(x[$__rate_interval]) + increase(x[$__interval]) + $__range", {
      ...base,
      fromMs: 0,
      toMs: 6 * 3_600_000,
      maxDataPoints: 1200
    })
    // 18s rounds to 20s; $__rate_interval is Go's Duration text of max(20s + 15s, 60s).
    assert.strictEqual(sixHours.stepMs, 20_000)
    assert.strictEqual(sixHours.query, "rate(x[1m0s]) + increase(x[20s]) + 21600s")
    const day = Grafana.request("increase(x[$__interval])[$__rate_interval]", {
      ...base,
      fromMs: 0,
      toMs: 24 * 3_600_000,
      maxDataPoints: 500
    })
    // 172.8s rounds to 2m; the rate interval is 2m15s.
    assert.strictEqual(day.query, "increase(x[2m])[2m15s]")
  })

  it("substitute variables: All as its allValue, one value escaped, several as an alternation", () => {
    const r = Grafana.request('x{rig=~"$rig", role=~"$role", agent=~"${agent}"}', {
      allValue: ".*",
      variables: { rig: "All", role: ["mol/polecats.jana"], agent: ["a", "b"] },
      fromMs: 60_500,
      toMs: 3_600_000,
      maxDataPoints: 100
    })
    assert.strictEqual(r.query, 'x{rig=~".*", role=~"mol/polecats\\.jana", agent=~"(a|b)"}')
    // 35.4s rounds to 30s; start and end are aligned down to it.
    assert.deepStrictEqual([r.startMs, r.endMs, r.stepMs], [60_000, 3_600_000, 30_000])
  })
})
