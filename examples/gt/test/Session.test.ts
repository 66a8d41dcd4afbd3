// `gt session start` hands its Claude session exactly the variables of
// docs/contract.md#claude-code-sessions, which the stand-in session program writes back as JSON; gt's own
// output is its one line on stderr, nothing on stdout.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

// The agent's context, as its environment gives it to gt.
const agent = { GT_RIG: "mol", GT_POLECAT: "jana", GT_SESSION: "mol-jana-1", GT_RUN: "run-7", ...Cli.patientFlush }
const start = ["session", "start", "--role", "mol/polecats/jana", "--session", "mol-jana-1"]

// What every session gets with a metrics URL; gt.session and gt.run_id stay out
// (docs/contract.md#resource-and-correlation-labels).
const metricsVariables = (metricsUrl: string, logsUrl: string) => ({
  CLAUDE_CODE_ENABLE_TELEMETRY: "1",
  OTEL_METRICS_EXPORTER: "otlp",
  OTEL_METRIC_EXPORT_INTERVAL: "1000",
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metricsUrl,
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/protobuf",
  BD_OTEL_METRICS_URL: metricsUrl,
  BD_OTEL_LOGS_URL: logsUrl,
  OTEL_RESOURCE_ATTRIBUTES: "gt.role=mol/polecats/jana,gt.rig=mol,gt.agent=jana"
})

// Where the stand-in writes the variables it was given, in the test's sandbox.
const handedOver = (dir: string) => {
  const report = path.join(dir, "handed-over.json")
  return {
    env: { GT_CLAUDE_STAND_IN_REPORT: report },
    read: (): unknown => JSON.parse(fs.readFileSync(report, "utf8"))
  }
}

const sessionStart = (server: CaptureServer.CaptureServer) =>
  Received.logs(server).find((log) => log.body === "session.start")

describe("gt session start", () => {
  it.live("with a metrics URL only: the metrics variables, no log export", () =>
    Effect.gen(function* () {
      const { dir, env } = yield* Cli.sandbox
      const given = handedOver(dir)
      const server = yield* CaptureServer.start()
      const metricsUrl = Cli.telemetryAt("gt", server.url).GT_OTEL_METRICS_URL!
      const ran = yield* Cli.run("gt", start, { ...env, ...agent, ...given.env, GT_OTEL_METRICS_URL: metricsUrl })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.deepStrictEqual(given.read(), metricsVariables(metricsUrl, TelemetryConfig.defaultUrls.logs))
    })
  )

  it.live("with metrics and logs URLs and the content opt-ins: log export and content too", () =>
    Effect.gen(function* () {
      const { dir, env } = yield* Cli.sandbox
      const given = handedOver(dir)
      const server = yield* CaptureServer.start()
      const urls = Cli.telemetryAt("gt", server.url)
      const ran = yield* Cli.run("gt", [...start, "--log-prompts", "--log-tool-content"], {
        ...env,
        ...agent,
        ...given.env,
        ...urls
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.deepStrictEqual(given.read(), {
        ...metricsVariables(urls.GT_OTEL_METRICS_URL!, urls.GT_OTEL_LOGS_URL!),
        OTEL_LOGS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: urls.GT_OTEL_LOGS_URL!,
        OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf",
        OTEL_LOG_USER_PROMPTS: "1",
        OTEL_LOG_TOOL_CONTENT: "1"
      })
      const event = sessionStart(server)
      assert.isDefined(event)
      assert.deepInclude(event!.attributes, {
        session_id: "mol-jana-1",
        role: "mol/polecats/jana",
        status: "ok",
        "gt.session": "mol-jana-1"
      })
    })
  )

  it.live(
    "with telemetry off: nothing is handed over, nothing stray printed; a failing session program is an error",
    () =>
      Effect.gen(function* () {
        const { dir, env } = yield* Cli.sandbox
        const given = handedOver(dir)
        const ran = yield* Cli.run("gt", start, { ...env, ...agent, ...given.env })
        assert.strictEqual(ran.code, 0, ran.stderr)
        assert.deepStrictEqual(given.read(), {})
        assert.strictEqual(ran.stdout, "", "a session start prints nothing on stdout")
        assert.strictEqual(ran.stderr, "session mol-jana-1 ended\n")

        const server = yield* CaptureServer.start()
        const failed = yield* Cli.run("gt", start, {
          ...env,
          ...agent,
          ...Cli.telemetryAt("gt", server.url),
          GT_CLAUDE_BIN: "/bin/false"
        })
        assert.strictEqual(failed.code, 1)
        assert.deepInclude(sessionStart(server)?.attributes, { status: "error" })
      }),
    30_000
  )
})
