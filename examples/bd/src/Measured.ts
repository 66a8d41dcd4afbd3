/**
 * How an effect went and how long it took, in the shape the catalogue's events share
 * (`duration_ms`, `status`, `error`), so callers can spread it into an event.
 *
 * @since 0.1.0
 */
import { Cause, Clock, Effect, Exit } from "effect"

/**
 * The measured outcome of one run.
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly duration_ms: number
  readonly status: "ok" | "error"
  /** The failure's message; absent on success. */
  readonly error?: string
}

const messageOf = (cause: Cause.Cause<unknown>): string => {
  if (Cause.hasInterruptsOnly(cause)) return "interrupted"
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

/**
 * Runs `self` and then `report` with its outcome and exit, whether it succeeded, failed
 * or was interrupted (SIGINT under `NodeRuntime.runMain`): a command cut short is still
 * reported.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * work.pipe(Measured.report((outcome) => Telemetry.emit({ _tag: "bd.command", command: "list", ...outcome })))
 * ```
 */
export const report =
  <A, E, R2>(f: (outcome: Outcome, exit: Exit.Exit<A, E>) => Effect.Effect<void, never, R2>) =>
  <R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | R2> =>
    Effect.flatMap(Clock.monotonicTimeNanos, (start) =>
      Effect.onExit(self, (exit) =>
        Effect.flatMap(Clock.monotonicTimeNanos, (end) => {
          const duration_ms = Number(end - start) / 1e6
          const outcome: Outcome = Exit.isSuccess(exit)
            ? { duration_ms, status: "ok" }
            : { duration_ms, status: "error", error: messageOf(exit.cause) }
          return f(outcome, exit)
        })
      )
    )
