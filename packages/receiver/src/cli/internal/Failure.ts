// The one error the CLI's commands fail with: a message for the person at the terminal,
// printed once as `gastown-otel: <message>` (see Cli.ts), and exit code 1.
import { Runtime, Schema } from "effect"

export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", { message: Schema.String }) {
  // Printed by the CLI itself, as one line: the runtime must not log it again.
  override readonly [Runtime.errorReported] = false
}

export const fail = (message: string) => new CliFailure({ message })
