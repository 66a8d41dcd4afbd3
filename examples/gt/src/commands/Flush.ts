/**
 * `gt flush`: sends what earlier commands left in the telemetry spool (the backend was
 * down or slow when they exited), without the exit budget that bounds every other command.
 */
import { Telemetry } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"

export const flush = Command.make("flush", {}, () =>
  Telemetry.flush.pipe(Effect.andThen(Console.log("telemetry flushed")))
).pipe(Command.withDescription("Send the telemetry that earlier commands could not send"))
