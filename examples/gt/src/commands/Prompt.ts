/**
 * `gt prompt SESSION TEXT`: types a prompt into an agent's session, waiting out the
 * debounce a terminal needs before Enter.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"
import { GtError } from "../GtError.ts"

export const prompt = Command.make(
  "prompt",
  {
    session: Argument.String("session").pipe(Argument.withDescription("Session id")),
    text: Argument.String("text").pipe(Argument.withDescription("The prompt")),
    debounceMs: Flag.Int("debounce-ms").pipe(
      Flag.withSchema(Schema.Natural),
      Flag.withDescription("Pause before Enter, in milliseconds"),
      Flag.withDefault(50)
    )
  },
  ({ session, text, debounceMs }) => {
    // One key per character (code point), as send-keys types them.
    const keys = [...text].length
    return Effect.gen(function* () {
      yield* Address.validName("session", session)
      if (keys === 0) return yield* new GtError({ message: "prompt: nothing to send" })
      yield* Effect.sleep(debounceMs)
      yield* Console.log(`sent ${keys} keys to ${session}`)
    }).pipe(
      Outcome.reported((outcome) => ({
        _tag: "prompt.send",
        session,
        keys_len: keys,
        debounce_ms: debounceMs,
        ...outcome
      })),
      Labels.withSpan("gt prompt")
    )
  }
).pipe(Command.withDescription("Send a prompt to an agent's session"))
