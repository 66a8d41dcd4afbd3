/**
 * @since 0.1.0
 */
export * as LogRow from "./logs/LogRow.ts"
export * as Series from "./metrics/Series.ts"
