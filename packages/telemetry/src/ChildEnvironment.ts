/**
 * The environment gt gives its subprocesses so that they report to the same place under the same correlation
 * labels: bd (docs/contract.md#resource-and-correlation-labels) and Claude Code sessions
 * (docs/contract.md#claude-code-sessions).
 *
 * `bdVariables` and `claudeVariables` are pure: they take the parent environment and the configuration
 * and return only the variables to add. `currentBdEnvironment` and `currentClaudeEnvironment` read the
 * current configuration, labels and span and return the whole environment.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Current } from "./Labels.ts"
import { ActiveConfig } from "./Telemetry.ts"
import * as TraceContext from "./TraceContext.ts"
import { Correlation } from "@gastown-otel/schema"
import * as ResourceAttributes from "./ResourceAttributes.ts"
import * as TelemetryConfig from "./TelemetryConfig.ts"

/**
 * A parent process environment, such as `process.env`.
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = Readonly<Record<string, string | undefined>>

/**
 * What the user opted into for a Claude session (docs/contract.md#claude-code-sessions: off unless asked for).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaudeOptions {
  /** Sets `OTEL_LOG_USER_PROMPTS=1`: Claude exports prompt text. */
  readonly logPrompts?: boolean | undefined
  /** Sets `OTEL_LOG_TOOL_CONTENT=1`: Claude exports tool input and output. */
  readonly logToolContent?: boolean | undefined
}

const resourceAttributes = "OTEL_RESOURCE_ATTRIBUTES"
const otlpProtocol = "http/protobuf"

// Blank counts as unset, as it does when the configuration is read.
const isSet = (env: Environment, name: string): boolean => (env[name]?.trim() ?? "") !== ""

// Collects variables, leaving out any the user already set in the parent environment.
const collector = (parentEnv: Environment) => {
  const out: Record<string, string> = {}
  const put = (name: string, value: string | undefined): void => {
    if (value !== undefined && !isSet(parentEnv, name)) out[name] = value
  }
  return { out, put }
}

const labelRecord = (labels: Correlation.Labels, keys: ReadonlyArray<Correlation.Key>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key of keys) {
    const value = labels[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

const allKeys: ReadonlyArray<Correlation.Key> = Correlation.definitions.map((label) => label.key)

// The user's attributes are merged with, not replaced by, the labels; with no label to add
// the variable is left alone rather than re-encoded.
const withLabels = (parentEnv: Environment, labels: Record<string, string>): Record<string, string> =>
  Object.keys(labels).length === 0
    ? {}
    : { [resourceAttributes]: ResourceAttributes.merge(parentEnv[resourceAttributes], labels) }

/**
 * The variables for a bd subprocess: bd's endpoints (gt's, unless the user set bd's own
 * — each variable separately), every gt.* label merged into `OTEL_RESOURCE_ATTRIBUTES`
 * (bd reads them back as its correlation labels) and `TRACEPARENT` when given. With gt's
 * telemetry off only the labels are passed, so a bd the user configured separately still
 * reports under them.
 *
 * @since 0.1.0
 * @category child processes
 */
export const bdVariables = (
  parentEnv: Environment,
  config: TelemetryConfig.TelemetryConfig,
  labels: Correlation.Labels,
  traceparent?: string | undefined
): Record<string, string> => {
  const resource = withLabels(parentEnv, labelRecord(labels, allKeys))
  if (config._tag === "Off") return resource
  const bd = TelemetryConfig.urlVariables("bd")
  const { out, put } = collector(parentEnv)
  put(bd.metrics, config.metricsUrl)
  put(bd.logs, config.logsUrl)
  put(bd.traces, config.tracesUrl)
  // TRACEPARENT names the span of this very call: the parent's value (if any) is stale.
  if (traceparent !== undefined) out.TRACEPARENT = traceparent
  return { ...out, ...resource }
}

/**
 * The variables for a Claude Code session, exactly as docs/contract.md#claude-code-sessions says: given only
 * when gt's metrics URL variable is set; Claude's log export only when gt's logs URL variable is set too;
 * prompt and tool content only on opt-in. A variable the user already set is kept, except
 * `OTEL_RESOURCE_ATTRIBUTES`, which is merged. Only the metric labels (`gt.role`, `gt.rig`, `gt.actor`,
 * `gt.agent`) are passed: Claude turns resource attributes into metric labels, and `gt.session`/`gt.run_id`
 * there would make a series per session (docs/contract.md#resource-and-correlation-labels).
 *
 * @since 0.1.0
 * @category child processes
 */
export const claudeVariables = (
  parentEnv: Environment,
  config: TelemetryConfig.TelemetryConfig,
  labels: Correlation.Labels,
  options: ClaudeOptions = {}
): Record<string, string> => {
  if (config._tag === "Off" || !config.configured.metrics) return {}
  const bd = TelemetryConfig.urlVariables("bd")
  const { out, put } = collector(parentEnv)
  put("CLAUDE_CODE_ENABLE_TELEMETRY", "1")
  put("OTEL_METRICS_EXPORTER", "otlp")
  put("OTEL_METRIC_EXPORT_INTERVAL", "1000")
  put("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", config.metricsUrl)
  put("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", otlpProtocol)
  put(bd.metrics, config.metricsUrl)
  put(bd.logs, config.logsUrl)
  if (config.configured.logs) {
    put("OTEL_LOGS_EXPORTER", "otlp")
    put("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", config.logsUrl)
    put("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", otlpProtocol)
  }
  if (options.logPrompts === true) put("OTEL_LOG_USER_PROMPTS", "1")
  if (options.logToolContent === true) put("OTEL_LOG_TOOL_CONTENT", "1")
  return { ...out, ...withLabels(parentEnv, labelRecord(labels, Correlation.metricKeys)) }
}

const defined = (env: Environment): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))

/**
 * The whole environment for a bd subprocess started now: `parentEnv` plus {@link bdVariables}
 * for the current configuration, labels and span.
 *
 * @since 0.1.0
 * @category child processes
 * @example
 * ```ts
 * const env = yield* ChildEnvironment.currentBdEnvironment()
 * spawn(bdPath, args, { env })
 * ```
 */
export const currentBdEnvironment = Effect.fnUntraced(function* (parentEnv: Environment = process.env) {
  // Untraced: a span of its own would become the parent the child's TRACEPARENT names.
  const config = yield* ActiveConfig
  const labels = yield* Current
  const traceparent = yield* TraceContext.current
  // The parent's own TRACEPARENT names a span of its parent: without a span here, bd starts
  // its own trace rather than join a stale one.
  const { TRACEPARENT: _stale, ...inherited } = defined(parentEnv)
  return { ...inherited, ...bdVariables(parentEnv, config, labels, traceparent) }
})

/**
 * The whole environment for a Claude Code session started now: `parentEnv` plus
 * {@link claudeVariables} for the current configuration and labels.
 *
 * @since 0.1.0
 * @category child processes
 */
export const currentClaudeEnvironment = Effect.fnUntraced(function* (
  options: ClaudeOptions = {},
  parentEnv: Environment = process.env
) {
  const config = yield* ActiveConfig
  const labels = yield* Current
  return { ...defined(parentEnv), ...claudeVariables(parentEnv, config, labels, options) }
})
