// A configuration that turned telemetry on, for tests of what is built from one.
import { Resource } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"

export const metricsUrl = "http://vm:8428/opentelemetry/api/v1/push"
export const logsUrl = "http://vl:9428/insert/opentelemetry/v1/logs"

export const on = (overrides: Partial<TelemetryConfig.On> = {}): TelemetryConfig.On => ({
  _tag: "On",
  program: "gt",
  metricsUrl,
  logsUrl,
  configured: { metrics: true, logs: true },
  headers: { metrics: {}, logs: {}, traces: {} },
  timeoutMs: TelemetryConfig.defaultTimeoutMs,
  serviceName: Resource.serviceNames.gt,
  resourceAttributes: [],
  labels: {},
  bdOutput: true,
  strict: false,
  stateDir: "/tmp/gastown-otel-state",
  flushTimeoutMs: TelemetryConfig.defaultFlushTimeoutMs,
  ...overrides
})
