/**
 * `gt nudge TARGET`: wakes an agent by typing into its session.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"

export const nudge = Command.make(
  "nudge",
  {
    target: Argument.String("target").pipe(Argument.withDescription("Agent address, e.g. mol/polecats/jana")),
    message: Flag.String("message").pipe(Flag.withDescription("What to type"), Flag.withDefault("check your hook"))
  },
  ({ target, message }) =>
    Effect.gen(function* () {
      yield* Address.validAddress("target", target)
      yield* Console.log(`nudged ${target}: ${message}`)
    }).pipe(
      Outcome.reported((outcome) => ({ _tag: "nudge", target, ...outcome })),
      Labels.withSpan("gt nudge")
    )
).pipe(Command.withDescription("Nudge an agent to look at its hook"))
