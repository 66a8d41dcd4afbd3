// The demo: a small Gas Town day with the example CLIs, reporting to a local OTLP
// endpoint on 127.0.0.1 (no Docker). It prints what arrived as VictoriaMetrics would
// store the metrics and as VictoriaLogs would show the log records. Until the embedded
// receiver (`gastown-otel serve`) exists, the endpoint is the tests' capture server and
// the decoding uses the official OTLP protobuf definitions.
import { Catalogue, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect, Schema } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { CaptureServer } from "@gastown-otel/testkit"
import { attributesOf, decodeLogs, decodeMetrics, type DecodedNumberPoint } from "@gastown-otel/testkit/OtlpDecode"

const bins = {
  gt: fileURLToPath(import.meta.resolve("@gastown-otel/example-gt/bin")),
  bd: fileURLToPath(import.meta.resolve("@gastown-otel/example-bd/bin"))
}
const paths = {
  metrics: new URL(TelemetryConfig.defaultUrls.metrics).pathname,
  logs: new URL(TelemetryConfig.defaultUrls.logs).pathname
}

const day: ReadonlyArray<readonly [keyof typeof bins, ReadonlyArray<string>]> = [
  ["bd", ["create", "Fix the flaky login test"]],
  ["bd", ["create", "Write the release notes"]],
  ["gt", ["sling", "bd-1", "mol/polecats/jana"]],
  ["gt", ["nudge", "mol/polecats/jana"]],
  ["gt", ["status"]],
  ["gt", ["mail", "send", "mol/witness", "--subject", "bd-1 is in progress"]],
  ["gt", ["done", "--exit", "COMPLETED"]],
  ["gt", ["sling", "bd-404", "mol/polecats/jana"]],
  ["bd", ["list"]]
]

const program = Effect.gen(function* () {
  const server = yield* CaptureServer.start()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gastown-otel-demo-"))
  const env = {
    ...process.env,
    GT_OTEL_METRICS_URL: server.url + paths.metrics,
    GT_OTEL_LOGS_URL: server.url + paths.logs,
    BD_OTEL_METRICS_URL: server.url + paths.metrics,
    BD_OTEL_LOGS_URL: server.url + paths.logs,
    GT_RIG: "mol",
    GT_ROLE: "mol/polecats/jana",
    GT_POLECAT: "jana",
    BD_ACTOR: "mol/polecats/jana",
    GT_SESSION: "demo-session",
    BD_DB: path.join(dir, "beads.json"),
    GT_OTEL_STATE_DIR: path.join(dir, "state")
  }
  console.log(`local OTLP endpoint: ${server.url} (metrics ${paths.metrics}, logs ${paths.logs})\n`)
  for (const [bin, args] of day) {
    // Asynchronously: the endpoint lives in this process and must answer meanwhile.
    const ran = yield* Effect.promise(
      () =>
        new Promise<{ code: number; output: string }>((resolve) =>
          execFile(process.execPath, [bins[bin], ...args], { env }, (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr })
          )
        )
    )
    console.log(`$ ${bin} ${args.join(" ")}   → exit ${ran.code}`)
    const output = ran.output.trim()
    if (output !== "") console.log(output.replace(/^/gm, "    "))
  }

  // Metrics as VictoriaMetrics stores them: the newest value of every series.
  const series = new Map<string, string>()
  for (const request of server.byPath(paths.metrics)) {
    for (const rm of decodeMetrics(request.body).resourceMetrics) {
      const service = attributesOf(rm.resource?.attributes ?? [])[Resource.keys.serviceName]
      for (const m of rm.scopeMetrics.flatMap((s) => s.metrics)) {
        const points = [
          ...(m.sum?.dataPoints ?? []),
          ...(m.gauge?.dataPoints ?? []),
          ...(m.histogram?.dataPoints ?? [])
        ]
        for (const p of points) {
          const name = Naming.promCompatible(m.name ?? "") + ("count" in p ? "_count" : "")
          const labels = Object.entries(attributesOf(p.attributes))
            .map(([k, v]) => `${Naming.promCompatible(k)}="${v}"`)
            .join(",")
          const value = "count" in p ? p.count : ((p as DecodedNumberPoint).asInt ?? (p as DecodedNumberPoint).asDouble)
          series.set(`${name}{${labels}}`, `${value}   (${service})`)
        }
      }
    }
  }
  console.log(`\n── metrics (${series.size} series of ${Catalogue.metrics.length} catalogue metrics) ──`)
  for (const [key, value] of [...series].toSorted(([a], [b]) => a.localeCompare(b))) console.log(`${key} ${value}`)

  const labels = Schema.decodeUnknownSync(Correlation.FromEnvironment)(env)
  console.log(
    `\n── log records (each also carries ${Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}) ──`
  )
  for (const request of server.byPath(paths.logs)) {
    for (const rl of decodeLogs(request.body).resourceLogs) {
      const service = attributesOf(rl.resource?.attributes ?? [])[Resource.keys.serviceName]
      for (const record of rl.scopeLogs.flatMap((s) => s.logRecords)) {
        // Every record carries the correlation labels shown above; the rest is the event's own.
        const attributes = Object.fromEntries(
          Object.entries(attributesOf(record.attributes)).filter(
            ([key]) => !Correlation.definitions.some((l) => l.key === key)
          )
        )
        console.log(
          `${String(service).padEnd(8)} ${record.severityText?.padEnd(5)} ${record.body?.stringValue} ${JSON.stringify(attributes)}`
        )
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

Effect.runPromise(Effect.scoped(program))
