// Samples are kept on disk as one block per request (ids and timestamps as differences,
// values with their bytes grouped) and replayed into memory at start: whatever was sent,
// a reopened store holds exactly what the running one held, NaN payloads included.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation, Naming } from "@gastown-otel/schema"
import { Arbitrary, Effect, Schema } from "effect"
import * as path from "node:path"
import * as Store from "../src/Store.ts"
import { attributes, encodeMetrics, nanos } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const gauge = Catalogue.metrics.find((m) => m.kind === "gauge")!
const [, rig] = Correlation.definitions.map((l) => l.key)
const t0 = Date.now() - 3_600_000

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
const Point = Arbitrary.all({ series: int(0, 40), offsetMs: int(0, 100_000), value: Arbitrary.schema(Schema.Number) })
const Requests = Arbitrary.array(Arbitrary.array(Point, { minLength: 1, maxLength: 30 }), {
  minLength: 1,
  maxLength: 6
})

const body = (points: ReadonlyArray<{ series: number; offsetMs: number; value: number }>) =>
  encodeMetrics({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: gauge.name,
                gauge: {
                  dataPoints: points.map((p) => ({
                    attributes: attributes({ [rig!]: `r-${p.series}` }),
                    timeUnixNano: nanos(t0 + p.offsetMs),
                    asDouble: p.value
                  }))
                }
              }
            ]
          }
        ]
      }
    ]
  })

// Every series with its timestamps and the bit patterns of its values.
const held = (store: Store.Store["Service"]) =>
  store.metrics
    .select([{ name: "__name__", op: "=", value: Naming.promCompatible(gauge.name) }], 0, Date.now())
    .map((s) => ({
      labels: s.labels,
      timestamps: Array.from(s.timestamps),
      bits: Array.from(new BigUint64Array(Float64Array.from(s.values).buffer), String)
    }))
    .toSorted((a, b) =>
      a.labels[Naming.promCompatibleLabel(rig!)]!.localeCompare(b.labels[Naming.promCompatibleLabel(rig!)]!)
    )

describe("sample blocks", () => {
  it.effect.prop(
    "a reopened store holds exactly the samples the running one held",
    [Requests],
    ([requests]) =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const before = yield* Effect.scoped(
          Effect.gen(function* () {
            const store = yield* Store.make({ dataDir })
            for (const points of requests) yield* store.ingest("metrics", body(points))
            return held(store)
          })
        )
        assert.isAbove(before.length, 0)
        const after = yield* Effect.scoped(Effect.map(Store.make({ dataDir }), held))
        assert.deepStrictEqual(after, before)
      }).pipe(Effect.scoped),
    { timeout: 120_000, arbitrary: { runs: 40 } }
  )
})
