/**
 * The one error gt's commands fail with: a message for the person at the terminal.
 */
import { Schema } from "effect"
import { CliError } from "effect/cli"

/**
 * A failed gt command. `Command.run` prints its message (once) and the process exits 1.
 */
export class GtError extends Schema.TaggedError<GtError>()("GtError", { message: Schema.String }) {
  override get [CliError.userMessage](): string {
    return this.message
  }
}
