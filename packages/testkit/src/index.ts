/**
 * @since 0.1.0
 */
export * as Bench from "./Bench.ts"
export * as CaptureServer from "./CaptureServer.ts"
export * as Cli from "./Cli.ts"
export * as Endpoints from "./Endpoints.ts"
export * as OfficialProtos from "./OfficialProtos.ts"
export * as OtlpDecode from "./OtlpDecode.ts"
export * as Ports from "./Ports.ts"
export * as Process from "./Process.ts"
export * as Received from "./Received.ts"
export * as SystemTool from "./SystemTool.ts"
export * as TempDir from "./TempDir.ts"
export * as VictoriaMetricsCounter from "./VictoriaMetricsCounter.ts"
