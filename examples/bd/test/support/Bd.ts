// Runs the real bd executable in a temporary directory, and reads back what a capture
// server received from it, decoded with the independent OTLP decoder.
import { Catalogue } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect, type Scope } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { CaptureServer } from "../../../../packages/telemetry/test/support/CaptureServer.ts"
import {
  decodeLogs,
  decodeMetrics,
  type DecodedLogRecord,
  type DecodedMetric
} from "../../../../packages/telemetry/test/support/OtlpDecode.ts"

const bin = fileURLToPath(new URL("../../src/bin.ts", import.meta.url))

export const metricsPath = new URL(TelemetryConfig.defaultUrls.metrics).pathname
export const logsPath = new URL(TelemetryConfig.defaultUrls.logs).pathname

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** A fresh directory holding one store, removed with the scope. */
export const tempStore: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "bd-test-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/**
 * `bd ...args` with the store and the telemetry state in `dir`, and only `env` besides:
 * nothing leaks in from the environment the tests run in. Killed after 10 s so a hang fails the test.
 * `terminateOn`: send SIGTERM once stderr shows this text.
 */
export const run = (
  dir: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  options: { readonly terminateOn?: string } = {}
) =>
  Effect.callback<Result>((resume) => {
    const start = performance.now()
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          BD_DB: join(dir, "beads.json"),
          // Counter totals and the spool of unsent telemetry are per host; each test gets its own.
          GT_OTEL_STATE_DIR: join(dir, "otel-state"),
          ...env
        },
        timeout: 10_000
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resume(Effect.succeed({ code, stdout, stderr, ms: performance.now() - start }))
      }
    )
    const { terminateOn } = options
    if (terminateOn !== undefined) {
      let stderr = ""
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes(terminateOn)) child.kill("SIGTERM")
      })
    }
    return Effect.sync(() => child.kill())
  })

/** The variables that turn bd's telemetry on, to `url`. */
export const telemetryTo = (url: string): Record<string, string> => ({
  BD_OTEL_METRICS_URL: url + metricsPath,
  BD_OTEL_LOGS_URL: url + logsPath
})

export const metricsOf = (server: CaptureServer): ReadonlyArray<DecodedMetric> =>
  server
    .byPath(metricsPath)
    .flatMap((r) => decodeMetrics(r.body).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics)))

export const logsOf = (server: CaptureServer): ReadonlyArray<DecodedLogRecord> =>
  server
    .byPath(logsPath)
    .flatMap((r) => decodeLogs(r.body).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)))

/** Every data point of the metric `name`, from every process. */
export const pointsOf = (server: CaptureServer, name: string) =>
  metricsOf(server)
    .filter((m) => m.name === name)
    .flatMap((m) => [...(m.sum?.dataPoints ?? []), ...(m.gauge?.dataPoints ?? []), ...(m.histogram?.dataPoints ?? [])])

/** A number point's value, or a histogram point's count. */
export const valueOf = (point: ReturnType<typeof pointsOf>[number]): number =>
  "bucketCounts" in point ? Number(point.count) : Number(point.asInt ?? point.asDouble)

/** Log records whose body is the event `name`. */
export const recordsOf = (server: CaptureServer, name: string) =>
  logsOf(server).filter((r) => r.body?.stringValue === name)

/** The catalogue's name of a metric of `event`, so no test spells one. */
export const metricName = (event: Catalogue.EventName, kind: Catalogue.Metric["kind"], value?: string): string => {
  const metric = Catalogue.metrics.find(
    (m) => m.event === event && m.kind === kind && (value === undefined || m.value === value)
  )
  if (metric === undefined) throw new Error(`no ${kind} of ${event} in the catalogue`)
  return metric.name
}
