import { assert, describe, it } from "@effect/vitest"
import * as os from "node:os"
import * as path from "node:path"
import { Correlation } from "@gastown-otel/schema"
import { ConfigProvider, Console, Effect, Exit } from "effect"
import * as TelemetryConfig from "../src/TelemetryConfig.ts"
import { logsUrl, metricsUrl, on } from "./support/Config.ts"

const withEnv =
  (env: Record<string, string>) =>
  <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.provide(effect, ConfigProvider.layer(ConfigProvider.fromEnv({ env })))

const read = (program: TelemetryConfig.Program, env: Record<string, string>) =>
  TelemetryConfig.make(program).pipe(withEnv(env))

const readOn = (program: TelemetryConfig.Program, env: Record<string, string>) =>
  Effect.map(read(program, env), (config) => {
    assert.strictEqual(config._tag, "On")
    return config as TelemetryConfig.On
  })

const readError = (program: TelemetryConfig.Program, env: Record<string, string>) => Effect.flip(read(program, env))

// The first variable a label is read from, taken from the catalogue.
const envOf = (key: Correlation.Key): string => Correlation.definitions.find((label) => label.key === key)!.env[0]

describe("TelemetryConfig", () => {
  describe("on or off", () => {
    it.effect("neither URL set → Off", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* read("gt", {}), { _tag: "Off", reason: "not-configured" })
        // A traces URL alone does not turn telemetry on, and bd's URLs do not turn gt on.
        assert.deepStrictEqual(yield* read("gt", { GT_OTEL_TRACES_URL: metricsUrl, BD_OTEL_METRICS_URL: metricsUrl }), {
          _tag: "Off",
          reason: "not-configured"
        })
        assert.deepStrictEqual(yield* read("gt", { GT_OTEL_METRICS_URL: "  " }), {
          _tag: "Off",
          reason: "not-configured"
        })
      })
    )

    it.effect("OTEL_SDK_DISABLED=true (any case) → Off, before any other variable is checked", () =>
      Effect.gen(function* () {
        for (const value of ["true", "TRUE", " True "]) {
          const config = yield* read("gt", { OTEL_SDK_DISABLED: value, GT_OTEL_METRICS_URL: "not a url" })
          assert.deepStrictEqual(config, { _tag: "Off", reason: "sdk-disabled" })
        }
        const config = yield* read("gt", { OTEL_SDK_DISABLED: "false", GT_OTEL_METRICS_URL: metricsUrl })
        assert.strictEqual(config._tag, "On")
      })
    )

    it.effect("only the metrics URL → logs default to the local VictoriaLogs", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl })
        assert.strictEqual(config.metricsUrl, metricsUrl)
        assert.strictEqual(config.logsUrl, "http://localhost:9428/insert/opentelemetry/v1/logs")
        assert.deepStrictEqual(config.configured, { metrics: true, logs: false })
        assert.isUndefined(config.tracesUrl)
      })
    )

    it.effect("only the logs URL → metrics default to the local VictoriaMetrics", () =>
      Effect.gen(function* () {
        const config = yield* readOn("bd", { BD_OTEL_LOGS_URL: logsUrl })
        assert.strictEqual(config.metricsUrl, "http://localhost:8428/opentelemetry/api/v1/push")
        assert.strictEqual(config.logsUrl, logsUrl)
        assert.deepStrictEqual(config.configured, { metrics: false, logs: true })
      })
    )

    it.effect("the whole On value with defaults", () =>
      Effect.gen(function* () {
        // Exactly the fixture's configuration, with the defaults that differ from it spelled out.
        assert.deepStrictEqual(
          yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_OTEL_LOGS_URL: logsUrl }),
          on({
            timeoutMs: 10_000,
            serviceName: "gastown",
            stateDir: path.join(os.homedir(), ".local", "state", "gastown-otel"),
            flushTimeoutMs: TelemetryConfig.defaultFlushTimeoutMs
          })
        )
      })
    )

    it.effect("the state directory: GT_OTEL_STATE_DIR, else XDG_STATE_HOME, else HOME", () =>
      Effect.gen(function* () {
        const base = { GT_OTEL_METRICS_URL: metricsUrl }
        assert.strictEqual(
          (yield* readOn("gt", { ...base, GT_OTEL_STATE_DIR: "/s", XDG_STATE_HOME: "/x" })).stateDir,
          "/s"
        )
        assert.strictEqual(
          (yield* readOn("gt", { ...base, XDG_STATE_HOME: "/x", HOME: "/h" })).stateDir,
          "/x/gastown-otel"
        )
        assert.strictEqual((yield* readOn("gt", { ...base, HOME: "/h" })).stateDir, "/h/.local/state/gastown-otel")
      })
    )

    it.effect("GT_LOG_BD_CONTENT_LIMIT past 64 KiB is capped", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_LOG_BD_CONTENT_LIMIT: "10000000" })
        assert.strictEqual(config.bdContentLimit, TelemetryConfig.maxBdContentLimit)
      })
    )

    it.effect("traces URL", () =>
      Effect.gen(function* () {
        const config = yield* readOn("bd", { BD_OTEL_METRICS_URL: metricsUrl, BD_OTEL_TRACES_URL: "https://t:4318/v1" })
        assert.strictEqual(config.tracesUrl, "https://t:4318/v1")
      })
    )
  })

  describe("invalid values", () => {
    it.effect("a malformed URL is a TelemetryConfigError naming the variable and value", () =>
      Effect.gen(function* () {
        const error = yield* readError("gt", { GT_OTEL_METRICS_URL: "not a url" })
        assert.instanceOf(error, TelemetryConfig.TelemetryConfigError)
        assert.strictEqual(error._tag, "TelemetryConfigError")
        assert.strictEqual(error.variable, "GT_OTEL_METRICS_URL")
        assert.strictEqual(error.value, "not a url")
        assert.strictEqual(error.message, 'GT_OTEL_METRICS_URL: "not a url" is not an http(s) URL')
      })
    )

    it.effect("a non-http URL, in any URL variable", () =>
      Effect.gen(function* () {
        const logs = yield* readError("bd", { BD_OTEL_LOGS_URL: "ftp://x/y" })
        assert.strictEqual(logs.message, 'BD_OTEL_LOGS_URL: "ftp://x/y" is not an http(s) URL')
        const traces = yield* readError("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_OTEL_TRACES_URL: "localhost:4318" })
        assert.strictEqual(traces.variable, "GT_OTEL_TRACES_URL")
      })
    )

    it.effect("non-integer or negative numbers, unknown booleans", () =>
      Effect.gen(function* () {
        const on = { GT_OTEL_METRICS_URL: metricsUrl }
        for (const [variable, value, reason] of [
          ["GT_LOG_BD_CONTENT_LIMIT", "-1", "is not a non-negative integer"],
          ["GT_LOG_BD_CONTENT_LIMIT", "1.5", "is not a non-negative integer"],
          ["OTEL_EXPORTER_OTLP_TIMEOUT", "5s", "is not a non-negative integer"],
          ["GT_LOG_BD_OUTPUT", "nope", "is not true, false, 1 or 0"],
          ["GT_OTEL_STRICT", "yes please", "is not true, false, 1 or 0"]
        ] as const) {
          const error = yield* readError("gt", { ...on, [variable]: value })
          assert.strictEqual(error.message, `${variable}: ${JSON.stringify(value)} ${reason}`)
        }
      })
    )

    it.effect("with telemetry off nothing else is validated", () =>
      Effect.gen(function* () {
        const config = yield* read("gt", { GT_LOG_BD_CONTENT_LIMIT: "-1", OTEL_EXPORTER_OTLP_TIMEOUT: "x" })
        assert.strictEqual(config._tag, "Off")
      })
    )

    it.effect("orOff turns the error into Off and prints it once on stderr", () =>
      Effect.gen(function* () {
        const printed: Array<ReadonlyArray<unknown>> = []
        const console: Console.Console = Object.assign(Object.create(globalThis.console), {
          error: (...args: ReadonlyArray<unknown>) => printed.push(args)
        })
        const config = yield* TelemetryConfig.orOff("gt").pipe(
          withEnv({ GT_OTEL_METRICS_URL: "not a url" }),
          Effect.provideService(Console.Console, console)
        )
        assert.strictEqual(config._tag, "Off")
        const reason = (config as TelemetryConfig.Off).reason
        assert.instanceOf(reason, TelemetryConfig.TelemetryConfigError)
        assert.deepStrictEqual(printed, [['GT_OTEL_METRICS_URL: "not a url" is not an http(s) URL (telemetry is off)']])
      })
    )

    it.effect("orOff passes a valid configuration through and prints nothing", () =>
      Effect.gen(function* () {
        const printed: Array<ReadonlyArray<unknown>> = []
        const console: Console.Console = Object.assign(Object.create(globalThis.console), {
          error: (...args: ReadonlyArray<unknown>) => printed.push(args)
        })
        const config = yield* TelemetryConfig.orOff("gt").pipe(
          withEnv({ GT_OTEL_METRICS_URL: metricsUrl }),
          Effect.provideService(Console.Console, console)
        )
        assert.strictEqual(config._tag, "On")
        assert.deepStrictEqual(printed, [])
      })
    )
  })

  describe("gt's bd output settings", () => {
    it.effect("GT_LOG_BD_OUTPUT=false omits bd output; GT_LOG_BD_CONTENT_LIMIT sets both limits", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", {
          GT_OTEL_METRICS_URL: metricsUrl,
          GT_LOG_BD_OUTPUT: "FALSE",
          GT_LOG_BD_CONTENT_LIMIT: "4096"
        })
        assert.isFalse(config.bdOutput)
        assert.strictEqual(config.bdContentLimit, 4096)
        const defaults = yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_LOG_BD_OUTPUT: "true" })
        assert.isTrue(defaults.bdOutput)
        assert.isUndefined(defaults.bdContentLimit)
      })
    )

    it.effect("bd ignores them (it inherits gt's environment and must not fail on it)", () =>
      Effect.gen(function* () {
        const config = yield* readOn("bd", {
          BD_OTEL_METRICS_URL: metricsUrl,
          GT_LOG_BD_OUTPUT: "garbage",
          GT_LOG_BD_CONTENT_LIMIT: "-5"
        })
        assert.isTrue(config.bdOutput)
        assert.isUndefined(config.bdContentLimit)
      })
    )

    it.effect("GT_OTEL_STRICT=1 or true → strict, for gt and bd", () =>
      Effect.gen(function* () {
        assert.isTrue((yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_OTEL_STRICT: "1" })).strict)
        assert.isTrue((yield* readOn("bd", { BD_OTEL_METRICS_URL: metricsUrl, GT_OTEL_STRICT: "True" })).strict)
        assert.isFalse((yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, GT_OTEL_STRICT: "0" })).strict)
      })
    )
  })

  describe("standard OTel variables", () => {
    it.effect("OTEL_EXPORTER_OTLP_TIMEOUT", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, OTEL_EXPORTER_OTLP_TIMEOUT: "2500" })
        assert.strictEqual(config.timeoutMs, 2500)
      })
    )

    it.effect("headers: percent-decoded, names lower-cased, signal-specific override generic per key", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", {
          GT_OTEL_METRICS_URL: metricsUrl,
          OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20Z2VuZXJpYw==,x-tenant=town",
          OTEL_EXPORTER_OTLP_METRICS_HEADERS: "authorization=Bearer%20m",
          OTEL_EXPORTER_OTLP_LOGS_HEADERS: "x-tenant=logs,x-extra=1"
        })
        assert.deepStrictEqual(config.headers, {
          metrics: { authorization: "Bearer m", "x-tenant": "town" },
          logs: { authorization: "Basic Z2VuZXJpYw==", "x-tenant": "logs", "x-extra": "1" },
          traces: { authorization: "Basic Z2VuZXJpYw==", "x-tenant": "town" }
        })
      })
    )

    it.effect("service name: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES, then ours", () =>
      Effect.gen(function* () {
        const on = { BD_OTEL_METRICS_URL: metricsUrl }
        assert.strictEqual((yield* readOn("bd", on)).serviceName, "bd")
        const fromAttributes = yield* readOn("bd", { ...on, OTEL_RESOURCE_ATTRIBUTES: "service.name=beads%20x" })
        assert.strictEqual(fromAttributes.serviceName, "beads x")
        assert.deepStrictEqual(fromAttributes.resourceAttributes, [])
        const both = yield* readOn("bd", {
          ...on,
          OTEL_RESOURCE_ATTRIBUTES: "service.name=beads",
          OTEL_SERVICE_NAME: "my-bd"
        })
        assert.strictEqual(both.serviceName, "my-bd")
      })
    )

    it.effect("OTEL_RESOURCE_ATTRIBUTES: parsed and decoded; correlation labels move to the labels", () =>
      Effect.gen(function* () {
        const config = yield* readOn("gt", {
          GT_OTEL_METRICS_URL: metricsUrl,
          OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=dev,team=a%2Cb%3Dc,gt.rig=mol,gt.custom=kept"
        })
        assert.deepStrictEqual(config.resourceAttributes, [
          ["deployment.environment", "dev"],
          ["team", "a,b=c"],
          ["gt.custom", "kept"]
        ])
        assert.deepStrictEqual(config.labels, { "gt.rig": "mol" })
      })
    )
  })

  describe("correlation labels", () => {
    it.effect("every label from its environment variable (GT_POLECAT before GT_CREW)", () =>
      Effect.gen(function* () {
        const env: Record<string, string> = { GT_OTEL_METRICS_URL: metricsUrl }
        const expected: Record<string, string> = {}
        for (const label of Correlation.definitions) {
          for (const variable of label.env) env[variable] = `${variable}-value`
          expected[label.key] = `${label.env[0]}-value`
        }
        assert.deepStrictEqual((yield* readOn("gt", env)).labels, expected)
        // The second source of gt.agent counts when the first is unset.
        const agent = Correlation.definitions.find((label) => label.key === "gt.agent")!
        const second = yield* readOn("gt", { GT_OTEL_METRICS_URL: metricsUrl, [agent.env[1]]: "max" })
        assert.deepStrictEqual(second.labels, { "gt.agent": "max" })
      })
    )

    it.effect("bd: gt.* in OTEL_RESOURCE_ATTRIBUTES win over the inherited variables", () =>
      Effect.gen(function* () {
        const env = {
          BD_OTEL_METRICS_URL: metricsUrl,
          [envOf("gt.rig")]: "outer",
          [envOf("gt.role")]: "mayor",
          OTEL_RESOURCE_ATTRIBUTES: "gt.rig=inner,gt.session=s%201,gt.unknown=x"
        }
        const config = yield* readOn("bd", env)
        assert.deepStrictEqual(config.labels, { "gt.role": "mayor", "gt.rig": "inner", "gt.session": "s 1" })
        assert.deepStrictEqual(config.resourceAttributes, [["gt.unknown", "x"]])
        // gt reads the same input the other way round: its own variables win.
        const gt = yield* readOn("gt", { ...env, GT_OTEL_METRICS_URL: metricsUrl })
        assert.deepStrictEqual(gt.labels, { "gt.role": "mayor", "gt.rig": "outer", "gt.session": "s 1" })
      })
    )

    it.effect("labels are readable with telemetry off", () =>
      Effect.gen(function* () {
        const labels = yield* TelemetryConfig.labels("gt").pipe(withEnv({ [envOf("gt.rig")]: "mol" }))
        assert.deepStrictEqual(labels, { "gt.rig": "mol" })
      })
    )
  })

  it("reads through fromUnknown providers too", () => {
    const exit = Effect.runSyncExit(
      TelemetryConfig.make("gt").pipe(
        Effect.provide(
          ConfigProvider.layer(
            ConfigProvider.fromUnknown({ GT_OTEL_METRICS_URL: metricsUrl, GT_LOG_BD_CONTENT_LIMIT: 100 })
          )
        )
      )
    )
    assert.isTrue(Exit.isSuccess(exit))
    if (Exit.isSuccess(exit)) assert.strictEqual((exit.value as TelemetryConfig.On).bdContentLimit, 100)
  })
})
