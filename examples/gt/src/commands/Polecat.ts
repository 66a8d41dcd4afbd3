/**
 * `gt polecat spawn|remove NAME`: starts or removes a worker polecat in the current rig.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import * as Address from "../Address.ts"
import * as RequiredLabel from "../RequiredLabel.ts"

const name = Argument.String("name").pipe(Argument.withDescription("Polecat name, e.g. jana"))

// Both need the rig (GT_RIG) and a well-formed name; what differs is the verb and the event.
const act = (verb: "spawn" | "remove", polecatName: string) =>
  Effect.gen(function* () {
    const rig = yield* RequiredLabel.required("gt.rig")
    yield* Address.validName("polecat", polecatName)
    yield* Console.log(`${verb === "spawn" ? "spawned" : "removed"} ${Address.polecat(rig, polecatName)}`)
  }).pipe(
    Outcome.reported((outcome) => ({ _tag: `polecat.${verb}`, name: polecatName, ...outcome })),
    Labels.withSpan(`gt polecat ${verb}`)
  )

export const polecat = Command.make("polecat").pipe(
  Command.withDescription("Manage the rig's polecats (worker agents)"),
  Command.withSubcommands([
    Command.make("spawn", { name }, ({ name }) => act("spawn", name)).pipe(
      Command.withDescription("Start a polecat in the rig (GT_RIG)")
    ),
    Command.make("remove", { name }, ({ name }) => act("remove", name)).pipe(
      Command.withDescription("Remove a polecat from the rig (GT_RIG)")
    )
  ])
)
