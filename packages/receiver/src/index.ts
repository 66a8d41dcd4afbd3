/**
 * @since 0.1.0
 */
export * as LogRow from "./logs/LogRow.ts"
export * as LogStore from "./logs/LogStore.ts"
export * as MetricStore from "./metrics/MetricStore.ts"
export * as Series from "./metrics/Series.ts"
export * as AnyValue from "./otlp/AnyValue.ts"
export * as OtlpLogs from "./otlp/Logs.ts"
export * as OtlpMetrics from "./otlp/Metrics.ts"
export * as OtlpTraces from "./otlp/Traces.ts"
export * as Server from "./Server.ts"
export * as Serve from "./Serve.ts"
export * as SpanStore from "./traces/SpanStore.ts"
export * as Store from "./Store.ts"
