/**
 * The telemetry configuration of gt or bd (docs/contract.md#configuration and
 * #resource-and-correlation-labels), read through `Config` from the current `ConfigProvider` (the process
 * environment unless a test provides another).
 *
 * @since 0.1.0
 */
import { Correlation, Endpoints, Resource } from "@gastown-otel/schema"
import * as os from "node:os"
import * as path from "node:path"
import { Config, Console, Effect, Option, Schema } from "effect"
import * as ResourceAttributes from "./ResourceAttributes.ts"

/**
 * The program whose configuration is read: its variables start with `GT_` or `BD_`.
 *
 * @since 0.1.0
 * @category models
 */
export type Program = "gt" | "bd"

/**
 * A configuration variable with a value we cannot use. Its message names the variable
 * and the value, e.g. `GT_OTEL_METRICS_URL: "not a url" is not an http(s) URL`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TelemetryConfigError extends Schema.TaggedError<TelemetryConfigError>()("TelemetryConfigError", {
  variable: Schema.String,
  value: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.variable}: ${JSON.stringify(this.value)} ${this.reason}`
  }
}

/**
 * Why telemetry is off: no URL of the program is set, `OTEL_SDK_DISABLED=true`, or a
 * variable is invalid (see {@link orOff}).
 *
 * @since 0.1.0
 * @category models
 */
export type OffReason = "not-configured" | "sdk-disabled" | TelemetryConfigError

/**
 * Telemetry off: nothing is exported and nothing is set up.
 *
 * @since 0.1.0
 * @category models
 */
export interface Off {
  readonly _tag: "Off"
  readonly reason: OffReason
}

/**
 * Telemetry on, with every value resolved and validated.
 *
 * @since 0.1.0
 * @category models
 */
export interface On {
  readonly _tag: "On"
  readonly program: Program
  /** OTLP/HTTP metrics endpoint (given, or the local default when only the logs URL is). */
  readonly metricsUrl: string
  /** OTLP/HTTP logs endpoint (given, or the local default when only the metrics URL is). */
  readonly logsUrl: string
  /** OTLP/HTTP traces endpoint; spans are exported only when it is set. */
  readonly tracesUrl?: string | undefined
  /** Which of the program's metrics/logs URL variables were actually set (docs/contract.md#claude-code-sessions, keys on this). */
  readonly configured: { readonly metrics: boolean; readonly logs: boolean }
  /** Extra HTTP headers per signal, names lower-cased. */
  readonly headers: {
    readonly metrics: Readonly<Record<string, string>>
    readonly logs: Readonly<Record<string, string>>
    readonly traces: Readonly<Record<string, string>>
  }
  /** `OTEL_EXPORTER_OTLP_TIMEOUT`: the limit of one export request, in milliseconds. */
  readonly timeoutMs: number
  readonly serviceName: string
  /** `OTEL_RESOURCE_ATTRIBUTES` without `service.name` and without the correlation labels. */
  readonly resourceAttributes: ReadonlyArray<readonly [string, string]>
  /** The correlation labels of the process. */
  readonly labels: Correlation.Labels
  /** `GT_LOG_BD_OUTPUT`: whether bd's stdout/stderr go into `bd.call`. */
  readonly bdOutput: boolean
  /** `GT_LOG_BD_CONTENT_LIMIT`: one byte limit for stdout and stderr; absent → the catalogue's defaults. */
  readonly bdContentLimit?: number | undefined
  /** `GT_OTEL_STRICT`: invalid events are defects instead of being counted and dropped. */
  readonly strict: boolean
  /**
   * `GT_OTEL_STATE_DIR`: counter totals shared by the host's gt/bd processes and the spool of
   * unsent telemetry. Default `$XDG_STATE_HOME/gastown-otel`, else `~/.local/state/gastown-otel`.
   */
  readonly stateDir: string
  /** `GT_OTEL_FLUSH_TIMEOUT_MS`: the most sending at exit may add to the program's exit. Default {@link defaultFlushTimeoutMs}. */
  readonly flushTimeoutMs: number
}

/**
 * The largest `GT_LOG_BD_CONTENT_LIMIT` honoured, in bytes; a larger value is capped.
 *
 * @since 0.1.0
 * @category defaults
 */
export const maxBdContentLimit = 64 * 1024

/**
 * The default bound on the final flush at exit, in milliseconds.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultFlushTimeoutMs = 200

/**
 * The configuration: {@link Off} or {@link On}.
 *
 * @since 0.1.0
 * @category models
 */
export type TelemetryConfig = Off | On

/**
 * The endpoints a program falls back to when only one of its URLs is set (docs/contract.md#configuration).
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultUrls = Endpoints.localUrls

/**
 * The OTel specification's default export timeout, in milliseconds.
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultTimeoutMs = 10_000

/**
 * The names of a program's endpoint variables, e.g. `GT_OTEL_METRICS_URL`.
 *
 * @since 0.1.0
 * @category configuration
 */
export const urlVariables = (program: Program) => {
  const prefix = program.toUpperCase()
  return {
    metrics: `${prefix}_OTEL_METRICS_URL`,
    logs: `${prefix}_OTEL_LOGS_URL`,
    traces: `${prefix}_OTEL_TRACES_URL`
  } as const
}

const off = (reason: OffReason): Off => ({ _tag: "Off", reason })

// A variable's trimmed value; blank counts as unset, as it does for the OTel SDKs.
const read = (variable: string): Effect.Effect<string | undefined, TelemetryConfigError> =>
  Config.option(Config.String(variable)).pipe(
    Effect.map((value) => {
      const trimmed = Option.getOrUndefined(value)?.trim()
      return trimmed === "" ? undefined : trimmed
    }),
    Effect.mapError(
      (error) => new TelemetryConfigError({ variable, value: "", reason: `could not be read: ${error.message}` })
    )
  )

const httpUrl = (variable: string, value: string): Effect.Effect<string, TelemetryConfigError> => {
  const url = URL.parse(value)
  return url !== null && (url.protocol === "http:" || url.protocol === "https:")
    ? Effect.succeed(value)
    : Effect.fail(new TelemetryConfigError({ variable, value, reason: "is not an http(s) URL" }))
}

const optionalUrl = Effect.fnUntraced(function* (variable: string) {
  const value = yield* read(variable)
  return value === undefined ? undefined : yield* httpUrl(variable, value)
})

const nonNegativeInt = Effect.fnUntraced(function* (variable: string) {
  const value = yield* read(variable)
  if (value === undefined) return undefined
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value)
  return yield* new TelemetryConfigError({ variable, value, reason: "is not a non-negative integer" })
})

const boolean = Effect.fnUntraced(function* (variable: string, fallback: boolean) {
  const value = yield* read(variable)
  if (value === undefined) return fallback
  switch (value.toLowerCase()) {
    case "true":
    case "1":
      return true
    case "false":
    case "0":
      return false
  }
  return yield* new TelemetryConfigError({ variable, value, reason: "is not true, false, 1 or 0" })
})

// HTTP header names are case-insensitive: lower-casing them lets a signal-specific header
// replace the generic one even when the two are spelled differently.
const headers = Effect.fnUntraced(function* (variable: string) {
  const value = yield* read(variable)
  const entries = value === undefined ? [] : ResourceAttributes.parse(value)
  return Object.fromEntries(entries.map(([name, v]) => [name.toLowerCase(), v])) as Record<string, string>
})

const labelKeys: ReadonlySet<string> = new Set(Correlation.definitions.map((label) => label.key))

const environmentLabels = Effect.fnUntraced(function* () {
  const env: Record<string, string | undefined> = {}
  for (const variable of Correlation.envVariables) env[variable] = yield* read(variable)
  return Schema.decodeSync(Correlation.FromEnvironment)(env)
})

// Correlation labels that arrive as `gt.*` resource attributes. Only the catalogue's keys
// count; an empty value is no label.
const attributeLabels = (attributes: ResourceAttributes.Entries): Correlation.Labels =>
  Object.fromEntries(attributes.filter(([key, value]) => labelKeys.has(key) && value !== "")) as Correlation.Labels

const combine = (
  program: Program,
  fromEnv: Correlation.Labels,
  attributes: ResourceAttributes.Entries
): Correlation.Labels => {
  const fromAttributes = attributeLabels(attributes)
  return program === "bd" ? { ...fromEnv, ...fromAttributes } : { ...fromAttributes, ...fromEnv }
}

/**
 * The correlation labels of a process. gt reads its `GT_*`/`BD_ACTOR` variables, and
 * `gt.*` keys of `OTEL_RESOURCE_ATTRIBUTES` fill the labels those leave unset. bd reads
 * the same variables, but `gt.*` resource attributes win: that is how gt hands bd the
 * labels in force at the call (which may narrow what bd inherits in `GT_*`). Readable
 * with telemetry off, e.g. to pass the labels on to a subprocess.
 *
 * @since 0.1.0
 * @category configuration
 */
export const labels = Effect.fnUntraced(function* (program: Program) {
  const attributes = yield* read("OTEL_RESOURCE_ATTRIBUTES")
  return combine(
    program,
    yield* environmentLabels(),
    attributes === undefined ? [] : ResourceAttributes.parse(attributes)
  )
})

/**
 * Reads the configuration of `program` from the current `ConfigProvider`. Fails with
 * {@link TelemetryConfigError} on the first invalid variable; with telemetry off (no URL,
 * or `OTEL_SDK_DISABLED=true`) no other variable is read, let alone rejected.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("TelemetryConfig.make")(function* (
  program: Program
): Effect.fn.Return<TelemetryConfig, TelemetryConfigError> {
  if ((yield* read("OTEL_SDK_DISABLED"))?.toLowerCase() === "true") return off("sdk-disabled")
  const variables = urlVariables(program)
  const metrics = yield* optionalUrl(variables.metrics)
  const logs = yield* optionalUrl(variables.logs)
  if (metrics === undefined && logs === undefined) return off("not-configured")
  const tracesUrl = yield* optionalUrl(variables.traces)

  const generic = yield* headers("OTEL_EXPORTER_OTLP_HEADERS")
  const metricsHeaders = yield* headers("OTEL_EXPORTER_OTLP_METRICS_HEADERS")
  const logsHeaders = yield* headers("OTEL_EXPORTER_OTLP_LOGS_HEADERS")
  const tracesHeaders = yield* headers("OTEL_EXPORTER_OTLP_TRACES_HEADERS")

  const attributesText = yield* read("OTEL_RESOURCE_ATTRIBUTES")
  const attributes = attributesText === undefined ? [] : ResourceAttributes.parse(attributesText)
  const serviceNameKey = Resource.keys.serviceName
  // OTel precedence: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES, then ours.
  const serviceName =
    (yield* read("OTEL_SERVICE_NAME")) ??
    attributes.find(([key, value]) => key === serviceNameKey && value !== "")?.[1] ??
    Resource.serviceNames[program]

  // GT_LOG_BD_* only concern gt's bd.call events; bd inherits them and must not fail on them.
  const bdOutput = program === "gt" ? yield* boolean("GT_LOG_BD_OUTPUT", true) : true
  const requestedLimit = program === "gt" ? yield* nonNegativeInt("GT_LOG_BD_CONTENT_LIMIT") : undefined
  // Capped so that one bd.call record stays far below what a log backend accepts.
  const bdContentLimit = requestedLimit === undefined ? undefined : Math.min(requestedLimit, maxBdContentLimit)

  return {
    _tag: "On",
    program,
    metricsUrl: metrics ?? defaultUrls.metrics,
    logsUrl: logs ?? defaultUrls.logs,
    ...(tracesUrl === undefined ? {} : { tracesUrl }),
    configured: { metrics: metrics !== undefined, logs: logs !== undefined },
    headers: {
      metrics: { ...generic, ...metricsHeaders },
      logs: { ...generic, ...logsHeaders },
      traces: { ...generic, ...tracesHeaders }
    },
    timeoutMs: (yield* nonNegativeInt("OTEL_EXPORTER_OTLP_TIMEOUT")) ?? defaultTimeoutMs,
    serviceName,
    // The correlation labels go on points, records and spans
    // (docs/contract.md#resource-and-correlation-labels); left in the resource too they would make
    // gt.session/gt.run_id metric labels, a series per run.
    resourceAttributes: attributes.filter(([key]) => key !== serviceNameKey && !labelKeys.has(key)),
    labels: combine(program, yield* environmentLabels(), attributes),
    bdOutput,
    ...(bdContentLimit === undefined ? {} : { bdContentLimit }),
    // One switch for the whole town: bd inherits gt's GT_OTEL_STRICT.
    strict: yield* boolean("GT_OTEL_STRICT", false),
    stateDir: yield* stateDirectory,
    flushTimeoutMs: (yield* nonNegativeInt("GT_OTEL_FLUSH_TIMEOUT_MS")) ?? defaultFlushTimeoutMs
  }
})

// gt and bd share one directory: the counters of both live there, and either may send
// what the other left in the spool.
const stateDirectory: Effect.Effect<string, TelemetryConfigError> = Effect.gen(function* () {
  const explicit = yield* read("GT_OTEL_STATE_DIR")
  if (explicit !== undefined) return explicit
  const xdg = yield* read("XDG_STATE_HOME")
  if (xdg !== undefined) return path.join(xdg, "gastown-otel")
  return path.join((yield* read("HOME")) ?? os.homedir(), ".local", "state", "gastown-otel")
})

/**
 * {@link make}, but an invalid configuration prints its message once on stderr and turns
 * telemetry off, so the host program runs on with its exit code unchanged (docs/contract.md#configuration).
 *
 * @since 0.1.0
 * @category configuration
 */
export const orOff = (program: Program): Effect.Effect<TelemetryConfig> =>
  make(program).pipe(
    Effect.catchTag("TelemetryConfigError", (error) =>
      Console.error(`${error.message} (telemetry is off)`).pipe(Effect.as(off(error)))
    )
  )
