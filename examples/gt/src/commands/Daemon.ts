/**
 * `gt daemon restart TYPE`: the daemon restarts a stuck agent of one type.
 */
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"

/**
 * The agent types the daemon supervises.
 */
export const agentTypes = ["mayor", "deacon", "witness", "refinery", "polecat"] as const

export const daemon = Command.make("daemon").pipe(
  Command.withDescription("Talk to the Gas Town daemon"),
  Command.withSubcommands([
    Command.make(
      "restart",
      { type: Argument.Literals("type", agentTypes).pipe(Argument.withDescription("Agent type to restart")) },
      ({ type }) =>
        Effect.gen(function* () {
          yield* Console.log(`daemon restarted the ${type}`)
          // The event has no outcome: it records that a restart happened.
          yield* Telemetry.emit({ _tag: "daemon.restart", agent_type: type })
        }).pipe(Labels.withSpan("gt daemon restart"))
    ).pipe(Command.withDescription("Restart an agent of the given type"))
  ])
)
