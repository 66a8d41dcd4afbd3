import { assert, describe, it } from "@effect/vitest"
import type { Correlation } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as ChildEnvironment from "../src/ChildEnvironment.ts"
import * as Labels from "../src/Labels.ts"
import * as Telemetry from "../src/Telemetry.ts"
import * as ResourceAttributes from "../src/ResourceAttributes.ts"
import * as TelemetryConfig from "../src/TelemetryConfig.ts"
import { logsUrl, metricsUrl, on } from "./support/Config.ts"

const defaultLogsUrl = TelemetryConfig.defaultUrls.logs

const metricsOnly = on({ logsUrl: defaultLogsUrl, configured: { metrics: true, logs: false } })
const logsOnly = on({ configured: { metrics: false, logs: true } })
const off: TelemetryConfig.Off = { _tag: "Off", reason: "not-configured" }

const context: Correlation.Labels = {
  "gt.role": "mol/polecats/jana",
  "gt.rig": "mol",
  "gt.agent": "jana",
  "gt.session": "s-1",
  "gt.run_id": "r-1"
}
const metricLabels = "gt.role=mol/polecats/jana,gt.rig=mol,gt.agent=jana"
const allLabels = `${metricLabels},gt.session=s-1,gt.run_id=r-1`
const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

describe("ChildEnvironment.bdVariables", () => {
  it("passes gt's endpoints, every label and the traceparent", () => {
    assert.deepStrictEqual(ChildEnvironment.bdVariables({}, on(), context, traceparent), {
      BD_OTEL_METRICS_URL: metricsUrl,
      BD_OTEL_LOGS_URL: logsUrl,
      OTEL_RESOURCE_ATTRIBUTES: allLabels,
      TRACEPARENT: traceparent
    })
  })

  it("metrics only: bd's logs go to the default logs URL, as gt's do; traces URL when gt has one", () => {
    assert.deepStrictEqual(ChildEnvironment.bdVariables({}, { ...metricsOnly, tracesUrl: "http://t/v1/traces" }, {}), {
      BD_OTEL_METRICS_URL: metricsUrl,
      BD_OTEL_LOGS_URL: defaultLogsUrl,
      BD_OTEL_TRACES_URL: "http://t/v1/traces"
    })
  })

  it("keeps the user's own bd endpoints, each separately; a blank one counts as unset", () => {
    assert.deepStrictEqual(
      ChildEnvironment.bdVariables({ BD_OTEL_METRICS_URL: "http://mine/m", BD_OTEL_LOGS_URL: " " }, on(), {}),
      {
        BD_OTEL_LOGS_URL: logsUrl
      }
    )
  })

  it("merges labels into existing attributes, escaped, labels winning", () => {
    const hostile: Correlation.Labels = { "gt.rig": "a,b=c%d e", "gt.role": "x" }
    const env = ChildEnvironment.bdVariables({ OTEL_RESOURCE_ATTRIBUTES: "team=blue,gt.rig=old" }, on(), hostile)
    assert.deepStrictEqual(ResourceAttributes.parse(env.OTEL_RESOURCE_ATTRIBUTES!), [
      ["team", "blue"],
      ["gt.rig", "a,b=c%d e"],
      ["gt.role", "x"]
    ])
    assert.strictEqual(env.OTEL_RESOURCE_ATTRIBUTES, "team=blue,gt.rig=a%2Cb%3Dc%25d%20e,gt.role=x")
  })

  it("telemetry off: only the labels, nothing when there are none", () => {
    assert.deepStrictEqual(ChildEnvironment.bdVariables({}, off, context, traceparent), {
      OTEL_RESOURCE_ATTRIBUTES: allLabels
    })
    assert.deepStrictEqual(ChildEnvironment.bdVariables({ OTEL_RESOURCE_ATTRIBUTES: "a=b c" }, off, {}), {})
  })
})

describe("ChildEnvironment.claudeVariables", () => {
  const metricsVariables = {
    CLAUDE_CODE_ENABLE_TELEMETRY: "1",
    OTEL_METRICS_EXPORTER: "otlp",
    OTEL_METRIC_EXPORT_INTERVAL: "1000",
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metricsUrl,
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/protobuf"
  }
  const logsVariables = {
    OTEL_LOGS_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: logsUrl,
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/protobuf"
  }

  it("metrics URL only: Claude metrics, bd endpoints, metric labels", () => {
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, metricsOnly, context), {
      ...metricsVariables,
      BD_OTEL_METRICS_URL: metricsUrl,
      BD_OTEL_LOGS_URL: defaultLogsUrl,
      OTEL_RESOURCE_ATTRIBUTES: metricLabels
    })
  })

  it("metrics and logs URLs: Claude logs too", () => {
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, on(), context), {
      ...metricsVariables,
      BD_OTEL_METRICS_URL: metricsUrl,
      BD_OTEL_LOGS_URL: logsUrl,
      ...logsVariables,
      OTEL_RESOURCE_ATTRIBUTES: metricLabels
    })
  })

  it("prompt and tool content only on opt-in", () => {
    const base = { ...metricsVariables, BD_OTEL_METRICS_URL: metricsUrl, BD_OTEL_LOGS_URL: logsUrl, ...logsVariables }
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, on(), {}, { logPrompts: true, logToolContent: true }), {
      ...base,
      OTEL_LOG_USER_PROMPTS: "1",
      OTEL_LOG_TOOL_CONTENT: "1"
    })
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, on(), {}, { logPrompts: true }), {
      ...base,
      OTEL_LOG_USER_PROMPTS: "1"
    })
    assert.deepStrictEqual(
      ChildEnvironment.claudeVariables({}, on(), {}, { logPrompts: false, logToolContent: false }),
      base
    )
  })

  it("keeps every value the user already set; merges the attributes", () => {
    const parentEnv = {
      CLAUDE_CODE_ENABLE_TELEMETRY: "0",
      OTEL_METRICS_EXPORTER: "console",
      OTEL_METRIC_EXPORT_INTERVAL: "60000",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://mine/m",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "grpc",
      BD_OTEL_METRICS_URL: "http://mine/bd-m",
      BD_OTEL_LOGS_URL: "http://mine/bd-l",
      OTEL_LOGS_EXPORTER: "none",
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://mine/l",
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json",
      OTEL_LOG_USER_PROMPTS: "0",
      OTEL_LOG_TOOL_CONTENT: "0",
      OTEL_RESOURCE_ATTRIBUTES: "team=a%20b,gt.rig=old"
    }
    assert.deepStrictEqual(
      ChildEnvironment.claudeVariables(
        parentEnv,
        on(),
        { "gt.rig": "new, =%" },
        { logPrompts: true, logToolContent: true }
      ),
      { OTEL_RESOURCE_ATTRIBUTES: "team=a%20b,gt.rig=new%2C%20%3D%25" }
    )
  })

  it("labels with , = % and spaces survive the round trip", () => {
    const hostile: Correlation.Labels = { "gt.role": "a=b,c", "gt.actor": " 100% sure ", "gt.session": "not passed" }
    const env = ChildEnvironment.claudeVariables({ OTEL_RESOURCE_ATTRIBUTES: "x=1" }, on(), hostile)
    assert.deepStrictEqual(ResourceAttributes.parse(env.OTEL_RESOURCE_ATTRIBUTES!), [
      ["x", "1"],
      ["gt.role", "a=b,c"],
      ["gt.actor", " 100% sure "]
    ])
  })

  it("nothing when telemetry is off or gt's metrics URL was not set", () => {
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, off, context, { logPrompts: true }), {})
    assert.deepStrictEqual(ChildEnvironment.claudeVariables({}, logsOnly, context), {})
  })
})

describe("environments for children started now", () => {
  it.effect("bdEnvironment: the parent's variables, gt's URLs for bd, the current labels and span", () =>
    Effect.gen(function* () {
      const env = yield* ChildEnvironment.currentBdEnvironment({ PATH: "/bin", UNSET: undefined }).pipe(
        Labels.withLabels({ "gt.rig": "mol", "gt.agent": "jana" }),
        Effect.withSpan("gt status"),
        Effect.provideService(Telemetry.ActiveConfig, on())
      )
      assert.strictEqual(env["PATH"], "/bin")
      assert.notProperty(env, "UNSET")
      assert.strictEqual(env["BD_OTEL_METRICS_URL"], metricsUrl)
      assert.deepStrictEqual(ResourceAttributes.parse(env["OTEL_RESOURCE_ATTRIBUTES"]!), [
        ["gt.rig", "mol"],
        ["gt.agent", "jana"]
      ])
      assert.match(env["TRACEPARENT"]!, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    })
  )

  it.effect("bdEnvironment outside any span: the parent's stale TRACEPARENT is not passed on", () =>
    Effect.gen(function* () {
      const stale = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
      const env = yield* ChildEnvironment.currentBdEnvironment({ TRACEPARENT: stale, PATH: "/bin" }).pipe(
        Effect.provideService(Telemetry.ActiveConfig, on())
      )
      assert.notProperty(env, "TRACEPARENT")
      assert.strictEqual(env["PATH"], "/bin")
    })
  )

  it.effect("claudeEnvironment with telemetry off: the parent's variables only", () =>
    Effect.gen(function* () {
      const env = yield* ChildEnvironment.currentClaudeEnvironment({}, { HOME: "/h" })
      assert.deepStrictEqual(env, { HOME: "/h" })
    })
  )
})
