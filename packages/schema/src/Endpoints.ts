/**
 * Where telemetry goes: the OTLP/HTTP paths and ports of VictoriaMetrics and VictoriaLogs
 * (the local stack and the embedded receiver answer the same), and the header that carries a
 * request's batch id. The exporter, the receiver and the stack all read them from here.
 *
 * @since 0.1.0
 */

/**
 * The OTLP/HTTP paths. VictoriaMetrics takes metrics on two paths (its own and the OTLP
 * default); VictoriaLogs takes logs on its insert path; traces go to the OTLP default.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const paths = {
  metrics: "/opentelemetry/api/v1/push",
  metricsOtlp: "/opentelemetry/v1/metrics",
  logs: "/insert/opentelemetry/v1/logs",
  traces: "/v1/traces"
} as const

/**
 * The ports VictoriaMetrics (metrics and PromQL) and VictoriaLogs (logs and LogsQL) listen on.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const ports = { metrics: 8428, logs: 9428 } as const

/**
 * The local addresses a program falls back to when only one of its URLs is set.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const localUrls = {
  metrics: `http://localhost:${ports.metrics}${paths.metrics}`,
  logs: `http://localhost:${ports.logs}${paths.logs}`
} as const

/**
 * The HTTP header carrying a request's batch id: the same on every attempt to send it, so a
 * receiver that keeps the ids it stored can drop a resend. VictoriaMetrics and VictoriaLogs
 * ignore it; the embedded receiver keeps it.
 *
 * @since 0.1.0
 * @category delivery
 */
export const batchHeader = "x-gastown-otel-batch"
