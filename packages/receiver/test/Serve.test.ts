// Real clients against a real `gastown-otel serve` process: the example gt and bd CLIs
// (metrics, logs, one trace across both) and Claude Code (delta counters, log events).
// The receiver is stopped (SIGKILL right after the clients were answered, or SIGTERM) and
// its data directory reopened here: nothing acknowledged is missing.
import { Cli, Ports } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, ClaudeCode, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect, Fiber } from "effect"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import type { LogRow } from "../src/logs/LogRow.ts"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"
import { attributes, encodeLogs, encodeCounter, nanos } from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"
import * as Serve from "./support/Serve.ts"

const [role, rig, , agent] = Correlation.definitions.map((l) => l.key)
const context = { GT_RIG: "mol", GT_ROLE: "mol/polecats/jana", GT_POLECAT: "jana" }

// gt's endpoints on the receiver's two ports, traces on the metrics port.
const telemetryAt = (running: Serve.Running) => {
  const variables = TelemetryConfig.urlVariables("gt")
  return {
    [variables.metrics]: running.metricsUrl + Server.paths.metrics[0],
    [variables.logs]: running.logsUrl + Server.paths.logs[0],
    [variables.traces]: running.metricsUrl + Server.paths.traces[0]
  }
}

const metricName = (event: string, kind: Catalogue.Metric["kind"]) =>
  Naming.promCompatible(Catalogue.metrics.find((m) => m.event === event && m.kind === kind)!.name)

const logRows = (store: Store.Store["Service"]) => {
  const rows: Array<LogRow> = []
  store.logs.scan({ startNs: 0n, endNs: BigInt(Date.now() + 60_000) * 1_000_000n }, (row) => {
    rows.push(row)
    return true
  })
  return rows
}

// The requests still waiting in the exporter's spool (its format marker is no request).
const spooled = (stateDir: string) => {
  const dir = path.join(stateDir, "spool")
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes(".otlp")) : []
}

describe("gastown-otel serve with real clients", () => {
  it.live(
    "gt status and its bd calls: series with the gt labels, records with gt.rig, one trace; all there after a SIGKILL",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const running = yield* Serve.start(dataDir)
        const { dir, env } = yield* Cli.sandbox
        const ran = yield* Cli.run("gt", ["status"], {
          ...env,
          ...telemetryAt(running),
          ...context,
          ...Cli.patientFlush
        })
        assert.strictEqual(ran.code, 0, ran.stderr)
        assert.deepStrictEqual(spooled(env.GT_OTEL_STATE_DIR), [], "every request was acknowledged")
        assert.strictEqual(yield* Serve.stop(running, "SIGKILL"), "SIGKILL")

        const store = yield* Store.make({ dataDir })
        const metricLabels = {
          [Naming.promCompatibleLabel(rig!)]: "mol",
          [Naming.promCompatibleLabel(role!)]: "mol/polecats/jana",
          [Naming.promCompatibleLabel(agent!)]: "jana"
        }
        for (const name of [metricName("bd.call", "counter"), metricName("bd.storage.operation", "counter")]) {
          const series = store.metrics.select([{ name: "__name__", op: "=", value: name }], 0, Date.now() + 60_000)
          assert.isAbove(series.length, 0, `${name} stored`)
          for (const s of series) assert.deepInclude(s.labels, metricLabels, name)
        }
        const calls = store.metrics.select(
          [{ name: "__name__", op: "=", value: metricName("bd.call", "counter") }],
          0,
          Date.now() + 60_000
        )
        assert.sameMembers(
          calls.map((s) => s.labels.subcommand),
          ["list", "stats"]
        )

        const rows = logRows(store)
        const bdCalls = rows.filter((r) => r.fields._msg === "bd.call")
        assert.strictEqual(bdCalls.length, 2)
        for (const row of bdCalls) {
          assert.strictEqual(row.fields[rig!], "mol")
          assert.strictEqual(row.fields[Resource.keys.serviceName], Resource.serviceNames.gt)
          assert.match(row.fields.trace_id!, /^[0-9a-f]{32}$/)
        }
        const bdRecords = rows.filter((r) => r.fields[Resource.keys.serviceName] === Resource.serviceNames.bd)
        assert.isAbove(bdRecords.length, 0, "bd's own records")

        const traceId = bdCalls[0]!.fields.trace_id!
        const spans = store.traces.trace(traceId)
        const services = new Set(spans.map((s) => s.resource[Resource.keys.serviceName]))
        assert.isTrue(
          services.has(Resource.serviceNames.gt) && services.has(Resource.serviceNames.bd),
          [...services].join()
        )
        assert.isTrue(
          bdRecords.some((r) => r.fields.trace_id === traceId),
          "bd's records are in gt's trace"
        )
        const byId = new Map(spans.map((s) => [s.spanId, s]))
        const bdSpan = spans.find((s) => s.resource[Resource.keys.serviceName] === Resource.serviceNames.bd)!
        assert.isTrue(byId.has(bdSpan.parentSpanId), "a bd span's parent is a span of the same trace")
        assert.isTrue(fs.existsSync(dir))
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "group commit: 48 requests in flight at once, every acknowledged one there after a SIGKILL right after the answers",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const running = yield* Serve.start(dataDir)
        const counter = Catalogue.metrics.find((m) => m.kind === "counter")!
        const t0 = Date.now() - 60_000
        const n = 24
        const metricsBody = (i: number) =>
          encodeCounter(counter.name, [
            {
              points: Array.from({ length: 50 }, (_, p) => ({
                attributes: attributes({ [rig!]: `r-${i}`, [agent!]: `a-${p}` }),
                timeUnixNano: nanos(t0 + i),
                asInt: String(i)
              }))
            }
          ])
        const logsBody = (i: number) =>
          encodeLogs({
            resourceLogs: [
              {
                scopeLogs: [
                  {
                    logRecords: Array.from({ length: 50 }, (_, r) => ({
                      timeUnixNano: nanos(t0 + r),
                      body: { stringValue: `group-${i}` },
                      attributes: attributes({ [rig!]: `r-${i}` })
                    }))
                  }
                ]
              }
            ]
          })
        // All in flight at once, each with its own batch id.
        const answers = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) =>
            Effect.all([
              Receiver.post(running.metricsUrl + Server.paths.metrics[0], metricsBody(i), {
                [Server.batchHeader]: `m-${i}`
              }),
              Receiver.post(running.logsUrl + Server.paths.logs[0], logsBody(i), { [Server.batchHeader]: `l-${i}` })
            ]),
          { concurrency: "unbounded" }
        )
        assert.isTrue(
          answers.flat().every((a) => a.status === 200),
          JSON.stringify(answers.flat().filter((a) => a.status !== 200))
        )
        assert.strictEqual(yield* Serve.stop(running, "SIGKILL"), "SIGKILL")

        const store = yield* Store.make({ dataDir })
        const series = store.metrics.select(
          [{ name: "__name__", op: "=", value: Naming.promCompatible(counter.name) }],
          0,
          Date.now()
        )
        assert.strictEqual(series.length, n * 50)
        const rigLabel = Naming.promCompatibleLabel(rig!)
        for (const s of series) assert.deepStrictEqual(Array.from(s.values), [Number(s.labels[rigLabel]!.slice(2))])
        const rows = logRows(store)
        for (let i = 0; i < n; i++) {
          const mine = rows.filter((r) => r.fields._msg === `group-${i}`)
          assert.strictEqual(mine.length, 50, `group-${i}`)
          assert.isTrue(mine.every((r) => r.fields[rig!] === `r-${i}`))
        }
        const again = yield* store.ingest("logs", logsBody(0), "l-0")
        assert.isTrue(again.duplicate, "a batch acknowledged before the kill is known after it")
      }).pipe(Effect.scoped),
    60_000
  )

  // The platform package ships the binary; where it is not installed (another platform) the test is skipped.
  const claudeBin = (() => {
    try {
      const pkg = createRequire(import.meta.resolve("@gastown-otel/example-gt/bin")).resolve(
        `@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`
      )
      return path.join(path.dirname(pkg), "claude")
    } catch {
      return undefined
    }
  })()

  it.live.skipIf(claudeBin === undefined)(
    "Claude Code: its delta session count stored as raw samples, its log events kept; SIGTERM closes cleanly",
    () =>
      Effect.gen(function* () {
        const dataDir = path.join(yield* Receiver.tempDir, "data")
        const running = yield* Serve.start(dataDir)
        const { dir, env } = yield* Cli.sandbox
        // The model API is a closed local port: everything stays on this machine.
        const closed = yield* Ports.closedUrl
        const sessionCount = Naming.promCompatible(ClaudeCode.metrics[0]!.name)
        const session = yield* Effect.forkChild(
          Cli.run("gt", ["session", "start", "--role", "mol/polecats/jana", "--session", "s-1", "--prompt", "hello"], {
            ...env,
            ...telemetryAt(running),
            ...context,
            GT_CLAUDE_BIN: claudeBin!,
            HOME: dir,
            ANTHROPIC_BASE_URL: closed,
            ANTHROPIC_API_KEY: "sk-ant-not-a-real-key",
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
            // Claude's log records go out every half second instead of every five.
            OTEL_LOGS_EXPORT_INTERVAL: "500"
          })
        )
        const names = Effect.promise(() =>
          fetch(running.metricsUrl + "/api/v1/label/__name__/values").then(
            (r) => r.json() as Promise<{ data: Array<string> }>
          )
        )
        const deadline = Date.now() + 40_000
        while (!(yield* names).data.includes(sessionCount) && Date.now() < deadline) yield* Effect.sleep(250)
        // Its log events follow within the export interval; gt, stopped, flushes its own.
        yield* Effect.sleep(2000)
        yield* Fiber.interrupt(session)
        yield* Effect.sleep(2000)
        const code = yield* Serve.stop(running, "SIGTERM")
        // NodeRuntime.runMain's exit code after an interrupt, once every finalizer ran.
        assert.strictEqual(code, 130, running.output())
        assert.strictEqual(
          fs.statSync(path.join(dataDir, "receiver.sqlite-wal"), { throwIfNoEntry: false })?.size ?? 0,
          0
        )

        const store = yield* Store.make({ dataDir })
        const series = store.metrics.select(
          [{ name: "__name__", op: "=", value: sessionCount }],
          0,
          Date.now() + 60_000
        )
        assert.isAbove(series.length, 0, `${sessionCount} stored`)
        for (const s of series) {
          assert.deepInclude(s.labels, { [Naming.promCompatibleLabel(rig!)]: "mol" })
          // Delta points are raw samples: each the count of its interval (one session), never accumulated.
          assert.isTrue(
            Array.from(s.values).every((v) => v === 1),
            `values ${Array.from(s.values)}`
          )
        }
        const claudeRecords = logRows(store).filter((r) => r.fields[Resource.keys.serviceName]?.startsWith("claude"))
        assert.isAbove(claudeRecords.length, 0, "Claude Code's log events")
        for (const r of claudeRecords) assert.strictEqual(r.fields[rig!], "mol")
        const sessionStart = Catalogue.logEvents.find((e) => e.name === "session.start")!.name
        assert.isTrue(
          logRows(store).some(
            (r) => r.fields._msg === sessionStart && r.fields[Resource.keys.serviceName] === Resource.serviceNames.gt
          ),
          "gt's own session.start, flushed when it was stopped"
        )
      }).pipe(Effect.scoped),
    90_000
  )
})
