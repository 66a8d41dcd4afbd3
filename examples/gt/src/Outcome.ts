/**
 * Emits a command's catalogue event once the command has run, with `status` (and `error`)
 * taken from how it ended, so success and failure are reported by the same code path.
 *
 * @since 0.1.0
 */
import type { Catalogue } from "@gastown-otel/schema"
import { Telemetry } from "@gastown-otel/telemetry"
import { Cause, Effect, Exit } from "effect"

/**
 * How an operation ended, as the catalogue's outcome fields spell it.
 *
 * @since 0.1.0
 */
export type Outcome = { readonly status: "ok" } | { readonly status: "error"; readonly error: string }

/**
 * The message of a failure: the error's own, or "interrupted".
 *
 * @since 0.1.0
 */
export const message = <E>(cause: Cause.Cause<E>): string => {
  if (Cause.hasInterruptsOnly(cause)) return "interrupted"
  const failure = Cause.squash(cause)
  return failure instanceof Error ? failure.message : String(failure)
}

/**
 * The outcome of an exit.
 *
 * @since 0.1.0
 */
export const fromExit = <A, E>(exit: Exit.Exit<A, E>): Outcome =>
  Exit.isSuccess(exit) ? { status: "ok" } : { status: "error", error: message(exit.cause) }

/**
 * Runs `effect`, then emits `event(outcome, value)`, `value` being the effect's result when
 * it succeeded; the effect's result is unchanged.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * work.pipe(Outcome.reported((outcome) => ({ _tag: "nudge", target, ...outcome })))
 * ```
 */
export const reported =
  <A = unknown>(event: (outcome: Outcome, value: A | undefined) => Catalogue.Event) =>
  <B extends A, E, R>(effect: Effect.Effect<B, E, R>): Effect.Effect<B, E, R | Telemetry.Telemetry> =>
    Effect.onExit(effect, (exit) =>
      Telemetry.emit(event(fromExit(exit), Exit.isSuccess(exit) ? exit.value : undefined))
    )
