/**
 * `gt sling BEAD TARGET`: hands a bead to an agent and marks it in progress.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import * as Address from "../Address.ts"
import { Bd } from "../Bd.ts"
import * as BdOutput from "../BdOutput.ts"

export const sling = Command.make(
  "sling",
  {
    bead: Argument.String("bead").pipe(Argument.withDescription("The bead (issue) id, e.g. bd-1")),
    target: Argument.String("target").pipe(Argument.withDescription("Agent address, e.g. mol/polecats/jana"))
  },
  ({ bead, target }) =>
    Effect.gen(function* () {
      const bd = yield* Bd
      yield* Address.validAddress("target", target)
      // An unknown bead fails here, in bd, and the sling with it.
      const issue = yield* bd
        .call("show", [bead, "--json"])
        .pipe(Effect.flatMap(BdOutput.decode(BdOutput.Issue, "bd show")))
      yield* bd.call("update", [bead, "--status", "in_progress"])
      yield* Console.log(`slung ${issue.id} (${issue.title}) to ${target}`)
    }).pipe(
      Outcome.reported((outcome) => ({ _tag: "sling", bead, target, ...outcome })),
      Labels.withSpan("gt sling")
    )
).pipe(Command.withDescription("Hand a bead to an agent"))
