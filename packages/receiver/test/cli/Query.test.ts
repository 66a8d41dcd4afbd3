// gastown-otel query: the table of an instant query, the sparklines of a range query, the
// server's JSON, and the server's message when it refuses; against a receiver in this process.
import { Ports } from "@gastown-otel/testkit"
import { assert, describe, it, layer } from "@effect/vitest"
import { Catalogue, Naming, Resource } from "@gastown-otel/schema"
import { Effect, Exit } from "effect"
import * as Query from "../../src/cli/Query.ts"
import { attributes, encodeCounter, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"
import * as RunCli from "../support/RunCli.ts"

const metric = Catalogue.metrics.find((m) => m.kind === "counter" && m.labels.length >= 2)!
const name = Naming.promCompatible(metric.name)
const label = metric.labels[0]!
const service = Naming.promCompatibleLabel(Resource.keys.serviceName)
const t0 = Date.now()

// Two series of `metric`, differing in `label`, with samples 90 s, 60 s and 30 s ago.
const samples = { a: [1, 2, 3], b: [5, 5, 5] } as const
const body = encodeCounter(metric.name, [
  {
    resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
    points: Object.entries(samples).flatMap(([value, points]) =>
      points.map((v, i) => ({
        attributes: attributes({ [label]: value }),
        timeUnixNano: nanos(t0 - 90_000 + i * 30_000),
        asInt: String(v)
      }))
    )
  }
])

describe("query output", () => {
  it("an instant vector: shared labels above, the differing ones as columns, values right-aligned", () => {
    assert.deepStrictEqual(
      Query.instantLines({
        resultType: "vector",
        result: [
          { metric: { __name__: "x", job: "a", zone: "z" }, value: [1, "1"] },
          { metric: { __name__: "x", job: "bb", zone: "z" }, value: [1, "12.5"] }
        ]
      }),
      ['every series: x{zone="z"}', "job  value", "a        1", "bb    12.5"]
    )
    assert.deepStrictEqual(
      Query.instantLines({ resultType: "vector", result: [{ metric: { job: "a" }, value: [1, "3"] }] }),
      ["job  value", "a        3"],
      "one series: every label is a column"
    )
    assert.deepStrictEqual(Query.instantLines({ resultType: "vector", result: [] }), ["(no series)"])
    assert.deepStrictEqual(Query.instantLines({ resultType: "scalar", result: [1, "42"] }), ["42"])
  })

  it("a range: a sparkline per series, points placed by step, gaps where there are none", () => {
    const lines = Query.rangeLines(
      {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "x", job: "a" },
            values: [
              [10, "0"],
              [20, "4"],
              [40, "8"]
            ]
          },
          {
            metric: { __name__: "x", job: "b" },
            values: [
              [30, "+Inf"],
              [40, "2"]
            ]
          }
        ]
      },
      { startMs: 0, endMs: 40_000, stepMs: 10_000 }
    )
    assert.deepStrictEqual(lines, [
      "every series: x",
      "series            min  max  last",
      '{job="a"}   ▁▅ █    0    8     8',
      '{job="b"}      ▁    2    2     2'
    ])
  })
})

// The receiver with the samples stored once.
const seeded = Receiver.seeded({ metrics: [body] })

// The live clock: queries are relative to now.
layer(seeded, { excludeTestServices: true })("gastown-otel query", (it) => {
  const setup = Effect.map(Receiver.TestReceiver, ({ receiver }) => receiver.metricsUrl)

  it.effect("prints an instant query as a table", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["query", `sum by (${label}) (${name})`, "--url", url])
      assert.isTrue(Exit.isSuccess(ran.exit), ran.stderr.join("\n"))
      const table = [
        `${label}  value`,
        `${"a".padEnd(label.length)}  ${"3".padStart(5)}`,
        `${"b".padEnd(label.length)}  ${"5".padStart(5)}`
      ]
      assert.deepStrictEqual(ran.stdout, table)

      const raw = yield* RunCli.run(["query", name, "--url", url])
      assert.deepStrictEqual(raw.stdout.slice(1), table)
      assert.match(raw.stdout[0]!, new RegExp(`^every series: ${name}\\{.*${service}="${Resource.serviceNames.gt}"`))
    })
  )

  it.effect("prints a range query as sparklines with min, max and last", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run([
        "query",
        `sum by (${label}) (${name})`,
        "--url",
        url,
        "--range",
        "2m",
        "--step",
        "30s"
      ])
      assert.isTrue(Exit.isSuccess(ran.exit), ran.stderr.join("\n"))
      // Five steps of 30 s in two minutes: five blocks.
      const id = `{${label}="a"}`
      assert.strictEqual(ran.stdout[0], `${"series".padEnd(id.length)}  ${" ".repeat(5)}  min  max  last`)
      const rows = ran.stdout
        .slice(1)
        .map((line) => /^(\S+)\s+([▁-█ ]{5})\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(line)?.slice(1))
      assert.deepStrictEqual(
        rows.map((r) => r && [r[0], r[2], r[3], r[4]]),
        [
          [`{${label}="a"}`, "1", "3", "3"],
          [`{${label}="b"}`, "5", "5", "5"]
        ]
      )
      // The a series grows: its sparkline climbs from its first point to its last.
      const spark = rows[0]![1]!.trim()
      assert.strictEqual(spark.at(-1), "█")
      assert.strictEqual(spark[0], "▁")
    })
  )

  it.effect("prints the server's JSON with --json", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["query", `sum(${name})`, "--url", url, "--json"])
      assert.strictEqual(ran.stdout.length, 1)
      const answer = JSON.parse(ran.stdout[0]!) as {
        status: string
        data: { result: Array<{ value: [number, string] }> }
      }
      assert.strictEqual(answer.status, "success")
      assert.strictEqual(answer.data.result[0]!.value[1], "8")
    })
  )

  it.effect("a refused query: the server's message, exit 1", () =>
    Effect.gen(function* () {
      const url = yield* setup
      const ran = yield* RunCli.run(["query", `sum(${name}`, "--url", url])
      assert.isTrue(Exit.isFailure(ran.exit))
      assert.deepStrictEqual(ran.stdout, [])
      assert.lengthOf(ran.stderr, 1)
      assert.match(ran.stderr[0]!, /^gastown-otel: syntax error at position \d+: /)
    })
  )

  it.effect("no receiver: why it cannot be reached, exit 1", () =>
    Effect.gen(function* () {
      const closed = yield* Ports.closedUrl
      const ran = yield* RunCli.run(["query", "up", "--url", closed])
      assert.isTrue(Exit.isFailure(ran.exit))
      assert.deepStrictEqual(ran.stderr, [`gastown-otel: cannot reach ${closed}/api/v1/query: connection refused`])
    })
  )
})
