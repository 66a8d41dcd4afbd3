// The example program, run as users run it (`node src/main.ts`), against a local OTLP
// endpoint: its events arrive under its labels.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as CaptureServer from "../../../packages/telemetry/test/support/CaptureServer.ts"
import { attributesOf, decodeLogs, decodeMetrics } from "../../../packages/telemetry/test/support/OtlpDecode.ts"

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const path = (url: string) => new URL(url).pathname
const bdCalls = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "counter")!

describe("effect-app", () => {
  it.live("its events arrive with the labels of the region they were emitted in", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      // Its own state directory: counter totals shared with earlier runs would not start at 1.
      const stateDir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(nodePath.join(os.tmpdir(), "effect-app-test-"))),
        (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      )
      yield* Effect.promise(() =>
        promisify(execFile)(process.execPath, [main], {
          env: {
            PATH: process.env.PATH,
            GT_OTEL_STATE_DIR: stateDir,
            // Generous, so that on a loaded machine everything is sent at exit rather than spooled.
            GT_OTEL_FLUSH_TIMEOUT_MS: "5000",
            GT_OTEL_METRICS_URL: server.url + path(TelemetryConfig.defaultUrls.metrics),
            GT_OTEL_LOGS_URL: server.url + path(TelemetryConfig.defaultUrls.logs)
          }
        })
      )

      const records = server
        .byPath(path(TelemetryConfig.defaultUrls.logs))
        .flatMap((r) => decodeLogs(r.body).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)))
      assert.deepStrictEqual(
        records.map((record) => record.body?.stringValue),
        ["bd.call", "bd.call", "sling"]
      )
      for (const record of records) {
        assert.deepInclude(attributesOf(record.attributes), { "gt.rig": "mol", "gt.agent": "jana", status: "ok" })
      }

      const metrics = server
        .byPath(path(TelemetryConfig.defaultUrls.metrics))
        .flatMap((r) =>
          decodeMetrics(r.body).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))
        )
      const points = metrics.filter((m) => m.name === bdCalls.name).flatMap((m) => m.sum?.dataPoints ?? [])
      assert.deepStrictEqual(points.map((p) => [attributesOf(p.attributes).subcommand, Number(p.asInt)]).toSorted(), [
        ["show", 1],
        ["update", 1]
      ])
    })
  )
})
