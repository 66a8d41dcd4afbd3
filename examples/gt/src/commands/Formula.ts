/**
 * `gt formula run NAME [--bead ID]`: instantiates a formula, a named list of steps, as
 * one bd issue per step under a parent bead.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Bd } from "../Bd.ts"
import * as BdOutput from "../BdOutput.ts"
import { GtError } from "../GtError.ts"

/**
 * The formulas gt knows, by name.
 */
export const formulas: Readonly<Record<string, ReadonlyArray<string>>> = {
  review: ["read the change", "run the tests", "write the review"],
  release: ["bump the version", "write the changelog", "tag and publish"]
}

const run = Command.make(
  "run",
  {
    name: Argument.String("name").pipe(Argument.withDescription(`Formula name: ${Object.keys(formulas).join(", ")}`)),
    bead: Flag.String("bead").pipe(Flag.withDescription("Parent bead (default: a new epic)"), Flag.optional)
  },
  ({ name, bead }) =>
    Effect.gen(function* () {
      const steps = formulas[name]
      if (steps === undefined) return yield* new GtError({ message: `formula ${JSON.stringify(name)}: unknown` })
      const bd = yield* Bd
      const parent = Option.isSome(bead)
        ? yield* bd.call("show", [bead.value, "--json"]).pipe(Effect.as(bead.value))
        : yield* bd.call("create", [`formula: ${name}`, "--type", "epic"]).pipe(Effect.flatMap(BdOutput.createdId))
      for (const step of steps) yield* bd.call("create", [`${name}: ${step}`, "--description", `Step of ${parent}`])
      yield* Console.log(`formula ${name}: ${steps.length} steps under ${parent}`)
      return parent
    }).pipe(
      // The parent bead is known only once it exists when none was given.
      Outcome.reported((outcome, parent: string | undefined) => ({
        _tag: "formula.instantiate",
        formula_name: name,
        bead_id: parent ?? Option.getOrElse(bead, () => ""),
        ...outcome
      })),
      Labels.withSpan("gt formula run")
    )
).pipe(Command.withDescription("Instantiate a formula as issues"))

export const formula = Command.make("formula").pipe(
  Command.withDescription("Formulas: reusable lists of steps"),
  Command.withSubcommands([run])
)
