/**
 * One bd command as telemetry: the span `bd <command>`, a child of the caller's
 * `TRACEPARENT` (gt passes it, so bd's records join gt's trace), and one `bd.command`
 * event with the outcome.
 */
import { Labels, Outcome, Telemetry, TraceContext } from "@gastown-otel/telemetry"
import type { Effect } from "effect"

/**
 * Runs a command handler as the command `name` (e.g. `"mail send"`).
 * @example
 * ```ts
 * Effect.fnUntraced(function* () { ... }, Traced.command("list"))
 * ```
 */
export const command =
  (name: string) =>
  <A, E, R>(body: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Telemetry.Telemetry> =>
    body.pipe(
      Outcome.measured((outcome) => Telemetry.emit({ _tag: "bd.command", command: name, ...outcome })),
      Labels.withSpan(`bd ${name}`),
      TraceContext.continueFromEnvironment
    )
