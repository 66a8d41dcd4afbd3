/**
 * @since 0.1.0
 */
export * as OpenTelemetrySdk from "./OpenTelemetrySdk.ts"
export * as ChildEnvironment from "./ChildEnvironment.ts"
export * as Labels from "./Labels.ts"
export * as Outcome from "./Outcome.ts"
export * as ResourceAttributes from "./ResourceAttributes.ts"
export * as Telemetry from "./Telemetry.ts"
export * as TelemetryConfig from "./TelemetryConfig.ts"
export * as TelemetryError from "./TelemetryError.ts"
export * as TraceContext from "./TraceContext.ts"
