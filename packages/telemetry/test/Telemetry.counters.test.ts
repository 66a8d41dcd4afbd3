// docs/contract.md#metrics and #counters-across-short-lived-processes: counters stay correct across short-lived
// processes. N real processes each emit one bd.call with the same labels; the points received for that label
// set, as VictoriaMetrics would store them, form one counter that grows by exactly N.
import { CaptureServer, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Effect } from "effect"
import { attributesOf, decodeLogs, decodeMetrics } from "@gastown-otel/testkit/OtlpDecode"
import { logsPath, metricsPath, patient, run, urls } from "./support/Processes.ts"
import { increase, type Sample, stored } from "@gastown-otel/testkit/VictoriaMetricsCounter"

const N = 50
const counter = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "counter")!.name
const histogram = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "histogram")!.name
const labels = { GT_RIG: "mol", GT_ROLE: "mol/witness", ...patient }

interface Received {
  readonly counter: Array<Sample & { readonly series: string }>
  readonly histogramCounts: Array<Sample>
  readonly resources: Set<string>
  readonly logIds: Array<string>
}

const received = (server: CaptureServer.CaptureServer): Received => {
  const out: Received = { counter: [], histogramCounts: [], resources: new Set(), logIds: [] }
  for (const request of server.byPath(metricsPath)) {
    for (const rm of decodeMetrics(request.body).resourceMetrics) {
      out.resources.add(JSON.stringify(attributesOf(rm.resource!.attributes)))
      for (const m of rm.scopeMetrics.flatMap((s) => s.metrics)) {
        for (const p of m.sum?.dataPoints ?? []) {
          if (m.name === counter) {
            out.counter.push({
              series: JSON.stringify(attributesOf(p.attributes)),
              timeUnixNano: BigInt(p.timeUnixNano!),
              value: Number(p.asInt)
            })
          }
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          if (m.name === histogram)
            out.histogramCounts.push({ timeUnixNano: BigInt(p.timeUnixNano!), value: Number(p.count) })
        }
      }
    }
  }
  for (const request of server.byPath(logsPath)) {
    for (const record of decodeLogs(request.body).resourceLogs.flatMap((r) =>
      r.scopeLogs.flatMap((s) => s.logRecords)
    )) {
      out.logIds.push(String(attributesOf(record.attributes)["args"]).replace("list --id ", ""))
    }
  }
  return out
}

const assertCounter = (got: Received, n: number) => {
  assert.strictEqual(new Set(got.counter.map((s) => s.series)).size, 1, "one series, no per-process series")
  assert.strictEqual(got.resources.size, 1, "one resource: nothing per process in it")
  const values = stored(got.counter).map((s) => s.value)
  assert.deepStrictEqual(
    values,
    Array.from({ length: n }, (_, i) => i + 1),
    "ordered by time: 1, 2, … N"
  )
  assert.strictEqual(increase(got.counter), n)
  assert.deepStrictEqual(
    stored(got.histogramCounts).map((s) => s.value),
    Array.from({ length: n }, (_, i) => i + 1),
    "histogram _count likewise"
  )
}

const runAll = (ids: ReadonlyArray<number>, env: Record<string, string>, concurrency: number) =>
  Effect.forEach(ids, (id) => run({ id, env }), { concurrency })

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe("counters across short-lived processes", () => {
  it.live(
    `${N} sequential processes: one counter growing by exactly ${N}`,
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const env = { ...urls(server.url), ...labels, GT_OTEL_STATE_DIR: yield* TempDir.make() }
        const runs = yield* runAll(range(1, N), env, 1)
        assert.isTrue(runs.every((r) => r.code === 0))
        assertCounter(received(server), N)
      }),
    120_000
  )

  it.live(
    `${N} processes, 8 at a time: one counter growing by exactly ${N}`,
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const env = { ...urls(server.url), ...labels, GT_OTEL_STATE_DIR: yield* TempDir.make() }
        yield* runAll(range(1, N), env, 8)
        assertCounter(received(server), N)
      }),
    120_000
  )

  it.live(
    "across a backend restart: what was spooled while it was down arrives once, the counter stays exact",
    () =>
      Effect.gen(function* () {
        const first = yield* CaptureServer.start()
        const port = Number(new URL(first.url).port)
        const env = { ...urls(first.url), ...labels, GT_OTEL_STATE_DIR: yield* TempDir.make() }
        yield* runAll(range(1, 10), env, 4)
        const before = received(first)
        yield* CaptureServer.stop(first)
        // Down: connection refused. Everything goes to the spool.
        const down = yield* runAll(range(11, 20), env, 4)
        assert.isTrue(down.every((r) => r.code === 0))
        const second = yield* CaptureServer.start(port)
        yield* runAll(range(21, 30), env, 4)
        const after = received(second)
        const all: Received = {
          counter: [...before.counter, ...after.counter],
          histogramCounts: [...before.histogramCounts, ...after.histogramCounts],
          resources: new Set([...before.resources, ...after.resources]),
          logIds: [...before.logIds, ...after.logIds]
        }
        assertCounter(all, 30)
        assert.deepStrictEqual(
          all.logIds.map(Number).toSorted((a, b) => a - b),
          range(1, 30),
          "every log record exactly once"
        )
      }),
    120_000
  )
})
