/**
 * `gt pane read SESSION [--lines N]`: reads the tail of an agent's terminal pane.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"

// Simulated capture: what the session's pane would show, most recent line last.
const capture = (session: string, lines: number): string =>
  Array.from({ length: lines }, (_, i) => `[${session}] ${i + 1}: working`).join("\n")

const read = Command.make(
  "read",
  {
    session: Argument.String("session").pipe(Argument.withDescription("Session id")),
    lines: Flag.Int("lines").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))),
      Flag.withDescription("How many lines to read from the bottom"),
      Flag.withDefault(20)
    )
  },
  ({ session, lines }) =>
    Effect.gen(function* () {
      yield* Address.validName("session", session)
      const content = capture(session, lines)
      yield* Console.log(content)
      return content
    }).pipe(
      Outcome.reported((outcome, content: string | undefined) => ({
        _tag: "pane.read",
        session,
        lines_requested: lines,
        content_len: content?.length ?? 0,
        ...outcome
      })),
      Labels.withSpan("gt pane read")
    )
).pipe(Command.withDescription("Print the last lines of an agent's pane"))

export const pane = Command.make("pane").pipe(
  Command.withDescription("Read agents' terminal panes"),
  Command.withSubcommands([read])
)
