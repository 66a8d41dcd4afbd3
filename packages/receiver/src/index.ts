/**
 * @since 0.1.0
 */
export * as LogRow from "./logs/LogRow.ts"
export * as Series from "./metrics/Series.ts"
export * as Ast from "./promql/Ast.ts"
export * as Duration from "./promql/Duration.ts"
export * as Engine from "./promql/Engine.ts"
export * as HttpApi from "./promql/HttpApi.ts"
export * as Matchers from "./promql/Matchers.ts"
export * as MemorySource from "./promql/MemorySource.ts"
export * as Parser from "./promql/Parser.ts"
export * as PromqlError from "./promql/PromqlError.ts"
