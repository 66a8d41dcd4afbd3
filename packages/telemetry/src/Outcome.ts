/**
 * How an operation ended, in the shape the catalogue's events share (`status`, `error`,
 * and `duration_ms` where measured), so code reports success and failure through one
 * path and spreads the result into its event.
 *
 * @since 0.1.0
 */
import type { Catalogue } from "@gastown-otel/schema"
import { Cause, Clock, Effect, Exit } from "effect"
import { emit, type Telemetry } from "./Telemetry.ts"

/**
 * An outcome as the catalogue's outcome fields spell it.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = { readonly status: "ok" } | { readonly status: "error"; readonly error: string }

/**
 * An outcome with the time the operation took.
 *
 * @since 0.1.0
 * @category models
 */
export type Measured = Outcome & { readonly duration_ms: number }

/**
 * The message of a failure: the error's own, or "interrupted".
 *
 * @since 0.1.0
 * @category reporting
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
 * @category reporting
 */
export const fromExit = <A, E>(exit: Exit.Exit<A, E>): Outcome =>
  Exit.isSuccess(exit) ? { status: "ok" } : { status: "error", error: message(exit.cause) }

/**
 * Runs `self`, then `report` with its measured outcome and exit, whether it succeeded,
 * failed or was interrupted (SIGINT under `NodeRuntime.runMain`): work cut short is still
 * reported. The result of `self` is unchanged.
 *
 * @since 0.1.0
 * @category reporting
 * @example
 * ```ts
 * work.pipe(Outcome.measured((outcome) => Telemetry.emit({ _tag: "bd.command", command: "list", ...outcome })))
 * ```
 */
export const measured =
  <A, E, R2>(report: (outcome: Measured, exit: Exit.Exit<A, E>) => Effect.Effect<void, never, R2>) =>
  <R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | R2> =>
    Effect.flatMap(Clock.monotonicTimeNanos, (start) =>
      Effect.onExit(self, (exit) =>
        Effect.flatMap(Clock.monotonicTimeNanos, (end) =>
          report({ duration_ms: Number(end - start) / 1e6, ...fromExit(exit) }, exit)
        )
      )
    )

/**
 * Runs `effect`, then emits `event(outcome, value)`, `value` being the effect's result when
 * it succeeded; the effect's result is unchanged.
 *
 * @since 0.1.0
 * @category reporting
 * @example
 * ```ts
 * work.pipe(Outcome.reported((outcome) => ({ _tag: "nudge", target, ...outcome })))
 * ```
 */
export const reported =
  <A = unknown>(event: (outcome: Outcome, value: A | undefined) => Catalogue.Event) =>
  <B extends A, E, R>(effect: Effect.Effect<B, E, R>): Effect.Effect<B, E, R | Telemetry> =>
    Effect.onExit(effect, (exit) => emit(event(fromExit(exit), Exit.isSuccess(exit) ? exit.value : undefined)))
