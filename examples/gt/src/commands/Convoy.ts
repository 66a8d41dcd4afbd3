/**
 * `gt convoy create BEAD`: opens a convoy, an epic that tracks a bead's delivery.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { Bd } from "../Bd.ts"
import * as BdOutput from "../BdOutput.ts"

const create = Command.make(
  "create",
  { bead: Argument.String("bead").pipe(Argument.withDescription("The bead to track, e.g. bd-1")) },
  ({ bead }) =>
    Effect.gen(function* () {
      const bd = yield* Bd
      const issue = yield* bd
        .call("show", [bead, "--json"])
        .pipe(Effect.flatMap(BdOutput.decode(BdOutput.Issue, "bd show")))
      const convoy = yield* bd
        .call("create", [`convoy: ${issue.title}`, "--type", "epic", "--description", `Tracks ${issue.id}`])
        .pipe(Effect.flatMap(BdOutput.createdId))
      yield* Console.log(`convoy ${convoy} tracks ${issue.id}`)
    }).pipe(
      Outcome.reported((outcome) => ({ _tag: "convoy.create", bead_id: bead, ...outcome })),
      Labels.withSpan("gt convoy create")
    )
).pipe(Command.withDescription("Open a convoy for a bead"))

export const convoy = Command.make("convoy").pipe(
  Command.withDescription("Convoys: epics that track delivery"),
  Command.withSubcommands([create])
)
