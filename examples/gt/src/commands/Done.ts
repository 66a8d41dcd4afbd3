/**
 * `gt done --exit COMPLETED|ESCALATED|DEFERRED [--bead ID]`: a polecat declares its work
 * over, and the bead on its hook moves with it.
 */
import { GtEvents } from "@gastown-otel/schema"
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { Bd } from "../Bd.ts"

type ExitType = typeof GtEvents.ExitType.Type

// What each way of ending does to the bead.
const beadUpdate = (exit: ExitType, bead: string): [string, Array<string>] => {
  switch (exit) {
    case "COMPLETED":
      return ["close", [bead]]
    case "ESCALATED":
      return ["update", [bead, "--status", "blocked"]]
    case "DEFERRED":
      return ["update", [bead, "--status", "deferred"]]
  }
}

export const done = Command.make(
  "done",
  {
    // The catalogue's own literals: an exit type the catalogue does not know is a usage error.
    exit: Flag.Literals("exit", GtEvents.ExitType.literals).pipe(Flag.withDescription("How the work ended")),
    bead: Flag.String("bead").pipe(Flag.withDescription("The bead on the hook, updated to match"), Flag.optional)
  },
  ({ exit, bead }) =>
    Effect.gen(function* () {
      if (Option.isSome(bead)) yield* (yield* Bd).call(...beadUpdate(exit, bead.value))
      yield* Console.log(`done: ${exit}`)
    }).pipe(
      Outcome.reported((outcome) => ({ _tag: "done", exit_type: exit, ...outcome })),
      Labels.withSpan("gt done")
    )
).pipe(Command.withDescription("Declare the current work finished, escalated or deferred"))
