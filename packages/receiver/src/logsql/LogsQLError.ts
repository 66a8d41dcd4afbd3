/**
 * Errors of the LogsQL engine.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A query or request parameter the engine cannot answer: `Syntax` (not LogsQL, or not LogsQL
 * VictoriaLogs accepts), `Unsupported` (LogsQL this receiver does not implement), `Parameter`
 * (a bad HTTP parameter such as `start` or `limit`). `position` is the offset in `input` where
 * the problem starts.
 *
 * @since 0.1.0
 * @category errors
 */
export class LogsQLError extends Schema.TaggedError<LogsQLError>()("LogsQLError", {
  reason: Schema.Literals(["Syntax", "Unsupported", "Parameter"]),
  input: Schema.String,
  position: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    const what =
      this.reason === "Syntax" ? "syntax error" : this.reason === "Unsupported" ? "unsupported LogsQL" : "bad parameter"
    return `${what} at position ${this.position} of [${this.input}]: ${this.detail}`
  }
}
