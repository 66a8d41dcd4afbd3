/**
 * The telemetry variables that point gt or bd at a local endpoint.
 *
 * @since 0.1.0
 */
import { Endpoints } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"

/**
 * The OTLP paths of VictoriaMetrics and VictoriaLogs, which exporters post to.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const paths = Endpoints.paths

/**
 * The header carrying a request's batch id.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const batchHeader = Endpoints.batchHeader

/**
 * The variables that turn a program's telemetry on, to a server at `base`
 * (`http://127.0.0.1:port`).
 *
 * @since 0.1.0
 * @category endpoints
 */
export const telemetryAt = (program: TelemetryConfig.Program, base: string): Record<string, string> => {
  const variables = TelemetryConfig.urlVariables(program)
  return { [variables.metrics]: base + paths.metrics, [variables.logs]: base + paths.logs }
}

/**
 * A flush budget for tests that check what arrives rather than how long exit takes: on a
 * loaded machine the default could leave the last batch in the spool for a later process.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const patientFlush: Record<string, string> = { GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }
