// gt's and bd's real telemetry (a day in the town, every gt/bd event) through a real
// `gastown-otel serve`, then the command line as users run it: `check` finds nothing, and
// `export` moves everything to a real VictoriaMetrics (Debian's victoria-metrics; the same
// PromQL answers on both) and to a VictoriaLogs-shaped capture endpoint, read through the
// running serve and, once it is stopped, from the data directory itself: the same lines.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Naming } from "@gastown-otel/schema"
import { CaptureServer, Cli } from "@gastown-otel/testkit"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import * as path from "node:path"
import * as Export from "../../src/export/Export.ts"
import * as Server from "../../src/Server.ts"
import * as Store from "../../src/Store.ts"
import { compare } from "../support/Compare.ts"
import * as Receiver from "../support/Receiver.ts"
import * as Running from "../support/Serve.ts"
import * as VictoriaMetrics from "../support/VictoriaMetrics.ts"

const context = { GT_RIG: "mol", GT_ROLE: "mol/witness", BD_ACTOR: "mol/witness" }

// Both programs' endpoints on the receiver's two ports.
const telemetryAt = (running: Running.Running) =>
  Object.fromEntries(
    (["gt", "bd"] as const).flatMap((program) => {
      const variables = TelemetryConfig.urlVariables(program)
      return [
        [variables.metrics, running.metricsUrl + Server.paths.metrics[0]],
        [variables.logs, running.logsUrl + Server.paths.logs[0]]
      ]
    })
  )

// What the CLIs cannot emit: the library's own events (nothing was dropped).
const ownEvents = Catalogue.entries.filter((e) => e.spec.emitter === "telemetry").map((e) => e.spec.name)
const ownMetrics = Catalogue.metrics.filter((m) => m.emitter === "telemetry").map((m) => m.name)
const percent = (seen: number, total: number) => Math.floor((100 * seen) / total)

const counter = Catalogue.metrics.find((m) => m.kind === "counter" && m.labels.length >= 2)!
const histogram = Catalogue.metrics.find((m) => m.kind === "histogram" && m.event === counter.event)!
const gauge = Catalogue.metrics.find((m) => m.kind === "gauge")!
const name = (m: Catalogue.Metric) => Naming.promCompatible(m.name)
const instants = [
  'count({__name__=~".+"})',
  'count by (__name__) ({__name__=~".+"})',
  `sum by (${counter.labels.join(", ")}) (${name(counter)})`,
  `histogram_quantile(0.5, sum by (le) (${Naming.series(histogram)[0]}))`,
  `max by (${gauge.labels.join(", ")}) (${name(gauge)})`
]
const ranges = ['sum by (__name__) (count_over_time({__name__=~".+"}[1m]))', `sum(${name(counter)})`]

const ask = (base: string, p: string, params: URLSearchParams) =>
  Effect.promise(async () => {
    const response = await fetch(base + p, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: params
    })
    return (await response.json()) as unknown
  })

const lines = (requests: ReadonlyArray<CaptureServer.Captured>) =>
  requests.flatMap((r) => new TextDecoder().decode(r.body).split("\n")).filter((l) => l !== "")

const jsonlineRequests = (capture: CaptureServer.CaptureServer) =>
  capture.requests.filter((r) => r.path.startsWith(Export.paths.jsonline))

describe("gastown-otel with gt's and bd's real telemetry", () => {
  it.live(
    "check finds nothing; export moves everything, through serve and from the data directory",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const serve = yield* Running.start(dataDir)
        const sandbox = yield* Cli.sandbox
        const startMs = Date.now()
        const day = yield* Cli.day(
          { ...sandbox.env, ...telemetryAt(serve), ...context, ...Cli.patientFlush },
          sandbox.dir
        )
        for (const ran of [...day.story, ...day.standalone]) assert.strictEqual(ran.code, 0, ran.stderr)
        assert.strictEqual(day.locked.code, 1, "bd on a store another process holds")
        const urls = ["--url", serve.metricsUrl, "--logs-url", serve.logsUrl]

        // check: nothing wrong, everything but the library's own events seen.
        const checked = yield* Running.cli(["check", "--since", "1h", ...urls])
        assert.strictEqual(checked.code, 0, checked.stdout + checked.stderr)
        const report = checked.stdout.trimEnd().split("\n")
        assert.match(report[0]!, /^checked [1-9]\d* series and [1-9]\d* records of gt and bd from /)
        assert.strictEqual(report[1], "no findings")
        const events = Catalogue.entries.length
        const metrics = Catalogue.metrics.length
        const seenEvents = events - ownEvents.length
        const seenMetrics = metrics - ownMetrics.length
        assert.strictEqual(
          report[2],
          `coverage: events ${seenEvents}/${events} (${percent(seenEvents, events)}%), metrics ${seenMetrics}/${metrics} (${percent(seenMetrics, metrics)}%)`
        )
        assert.strictEqual(report[3], `not seen: ${[...ownEvents, ...ownMetrics].join(", ")}`)

        // export while serve holds the data directory: read through it.
        const vm = yield* VictoriaMetrics.make
        const logs = yield* CaptureServer.start()
        const through = yield* Running.cli([
          "export",
          "--data-dir",
          dataDir,
          ...urls,
          "--to",
          vm.url,
          "--logs-to",
          logs.url,
          "--since",
          "1h"
        ])
        assert.strictEqual(through.code, 0, through.stderr)
        assert.strictEqual(
          through.stderr,
          `${dataDir} is held by a running gastown-otel serve: reading through it at ${serve.metricsUrl} and ${serve.logsUrl}\n`
        )
        const summary = /^from \S+: (\d+) samples of (\d+) series to /.exec(through.stdout)
        assert.isNotNull(summary, through.stdout)
        const endMs = Date.now()
        yield* vm.flush(Number(summary![2]), startMs, endMs)

        // The same PromQL, the same answers.
        const diffs: Array<string> = []
        const check = (p: string, params: URLSearchParams) =>
          Effect.gen(function* () {
            const ours = yield* ask(serve.metricsUrl, p, params)
            const theirs = (yield* vm.get(p, params)).json
            assert.strictEqual((ours as { status: string }).status, "success", JSON.stringify(ours))
            for (const d of compare(ours, theirs, { ranked: false })) diffs.push(`${params.get("query")}: ${d}`)
          })
        for (const query of instants) {
          yield* check("/api/v1/query", new URLSearchParams({ query, time: String(endMs / 1000), step: "10m" }))
        }
        for (const query of ranges) {
          yield* check(
            "/api/v1/query_range",
            new URLSearchParams({
              query,
              start: String(Math.floor(startMs / 1000) - 60),
              end: String(Math.ceil(endMs / 1000)),
              step: "15s"
            })
          )
        }
        assert.deepStrictEqual(diffs, [])

        // The commands read VictoriaMetrics as they read the receiver.
        const onVm = yield* Running.cli(["check", "--since", "1h", "--url", vm.url, "--logs-url", serve.logsUrl])
        assert.strictEqual(onVm.code, 0, onVm.stdout + onVm.stderr)
        assert.deepStrictEqual(onVm.stdout.split("\n").slice(1), checked.stdout.split("\n").slice(1))
        assert.strictEqual(onVm.stdout.split(" from ")[0], checked.stdout.split(" from ")[0])
        const table = `sum by (${counter.labels.join(", ")}) (${name(counter)})`
        const [ours, theirs] = yield* Effect.all([
          Running.cli(["query", table, "--url", serve.metricsUrl]),
          Running.cli(["query", table, "--url", vm.url])
        ])
        assert.strictEqual(ours.code, 0, ours.stderr)
        // A table of the calls by their labels: a header ending in "value", then rows.
        assert.match(ours.stdout, /(^|\n)[a-z_]+(\s+[a-z_]+)*\s+value\n\S/)
        assert.strictEqual(theirs.stdout, ours.stdout)

        // export with serve stopped: the data directory itself, the same lines.
        assert.strictEqual(yield* Running.stop(serve, "SIGTERM"), 130)
        const direct = yield* CaptureServer.start()
        const fromDir = yield* Running.cli([
          "export",
          "--data-dir",
          dataDir,
          "--to",
          direct.url,
          "--logs-to",
          direct.url,
          "--since",
          "1h"
        ])
        assert.strictEqual(fromDir.code, 0, fromDir.stderr)
        assert.strictEqual(fromDir.stderr, "")
        assert.match(fromDir.stdout, new RegExp(`^from ${dataDir}: ${summary![1]} samples of ${summary![2]} series`))
        assert.sameMembers(lines(jsonlineRequests(direct)), lines(jsonlineRequests(logs)))
        assert.sameMembers(
          jsonlineRequests(direct).map((r) => r.path),
          jsonlineRequests(logs).map((r) => r.path)
        )

        const store = yield* Store.make({ dataDir })
        const held = store.metrics
          .select([{ name: "__name__", op: "=~", value: ".+" }], 0, Date.now())
          .map((s) => ({ metric: s.labels, values: Array.from(s.values), timestamps: Array.from(s.timestamps) }))
        assert.sameDeepMembers(
          lines(direct.byPath(Export.paths.import)).map((l) => JSON.parse(l) as unknown),
          held
        )
        let records = 0
        store.logs.scan({ startNs: 0n, endNs: BigInt(Date.now()) * 1_000_000n }, () => ++records > 0)
        assert.lengthOf(lines(jsonlineRequests(direct)), records)
        assert.isAbove(records, 0)
      }).pipe(Effect.scoped),
    240_000
  )
})
