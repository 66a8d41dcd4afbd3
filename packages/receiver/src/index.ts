/**
 * @since 0.1.0
 */
export * as LogRow from "./logs/LogRow.ts"
export * as LogsQLApi from "./logsql/Api.ts"
export * as LogsQLAst from "./logsql/Ast.ts"
export * as LogsQLEngine from "./logsql/Engine.ts"
export * as LogsQLError from "./logsql/LogsQLError.ts"
export * as LogsQLParser from "./logsql/Parser.ts"
export * as Series from "./metrics/Series.ts"
