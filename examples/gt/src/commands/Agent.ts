/**
 * `gt agent state NAME STATE`: records an agent's state transition.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"
import * as Bd from "../Bd.ts"

/**
 * The states an agent moves between.
 */
export const states = ["spawning", "idle", "working", "stuck", "done"] as const

const state = Command.make(
  "state",
  {
    name: Argument.String("name").pipe(Argument.withDescription("Agent address, e.g. mol/polecats/jana")),
    state: Argument.Literals("state", states).pipe(Argument.withDescription("The new state")),
    hookBead: Flag.String("hook-bead").pipe(Flag.withDescription("Bead now on the agent's hook"), Flag.optional)
  },
  ({ name, state, hookBead }) =>
    Effect.gen(function* () {
      yield* Address.validAddress("agent", name)
      // A hooked bead must exist: bd is asked, and an unknown bead fails the transition.
      if (Option.isSome(hookBead)) yield* (yield* Bd.Bd).call("show", [hookBead.value, "--json"])
      yield* Console.log(`${name} is ${state}`)
    }).pipe(
      Outcome.reported((outcome) => ({
        _tag: "agent.state_change",
        agent_id: name,
        new_state: state,
        has_hook_bead: Option.isSome(hookBead),
        ...outcome
      })),
      Labels.withSpan("gt agent state")
    )
).pipe(Command.withDescription("Record an agent's new state"))

export const agent = Command.make("agent").pipe(
  Command.withDescription("Agent bookkeeping"),
  Command.withSubcommands([state])
)
