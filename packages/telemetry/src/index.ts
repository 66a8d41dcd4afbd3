/**
 * Everything but `OpenTelemetrySdk`, which is its own entry point
 * (`@gastown-otel/telemetry/OpenTelemetrySdk`): only apps on the OpenTelemetry JS SDK
 * install the packages its types come from.
 *
 * @since 0.1.0
 */
export * as ChildEnvironment from "./ChildEnvironment.ts"
export * as Labels from "./Labels.ts"
export * as OtlpData from "./OtlpData.ts"
export * as Outcome from "./Outcome.ts"
export * as ResourceAttributes from "./ResourceAttributes.ts"
export * as Telemetry from "./Telemetry.ts"
export * as TelemetryConfig from "./TelemetryConfig.ts"
export * as TelemetryError from "./TelemetryError.ts"
export * as TraceContext from "./TraceContext.ts"
