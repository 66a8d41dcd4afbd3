/**
 * The lock that keeps concurrent bd processes (gt runs many) from losing each other's
 * writes, on `proper-lockfile`: a lock directory beside the store, created atomically and
 * kept fresh while held, so a lock left by a crashed process goes stale and is broken.
 * A writer holds it; a reader only waits until no writer holds it, so it sees any write
 * already under way. Every acquisition reports its wait as `bd.db.lock_wait`.
 */
import { Outcome, Telemetry } from "@gastown-otel/telemetry"
import { Clock, Console, Effect, type Scope } from "effect"
import * as lockfile from "proper-lockfile"
import * as StoreError from "./StoreError.ts"

/**
 * The store the lock guards and how long one acquisition may wait for it.
 */
export interface Options {
  readonly path: string
  readonly timeoutMs: number
}

/**
 * How every bd takes the lock: a held lock is refreshed every second, and one not refreshed
 * for two (the library's least) is a crashed holder's. The store may not exist yet, so its
 * path is used as it is.
 */
export const settings = { stale: 2_000, update: 1_000, realpath: false, retries: 0 } as const

// Short enough that a released lock is taken quickly, long enough not to spin.
const pollMs = 5

const noticeAfterMs = 500

const lockPath = (options: Options) => `${options.path}.lock`

const failed = (options: Options) => (error: unknown) =>
  new StoreError.StoreError({
    reason: "io",
    message: `${lockPath(options)}: ${error instanceof Error ? error.message : String(error)}`
  })

const isLocked = (error: unknown) => (error as { code?: unknown }).code === "ELOCKED"

const acquire = Effect.fnUntraced(function* <R>(
  options: Options,
  exclusive: boolean,
  take: Effect.Effect<boolean, StoreError.StoreError, R>
) {
  const telemetry = yield* Telemetry.Telemetry
  const started = yield* Clock.currentTimeMillis
  let noticed = false
  const wait = Effect.gen(function* () {
    while (!(yield* take)) {
      const waited = (yield* Clock.currentTimeMillis) - started
      if (waited >= options.timeoutMs) {
        return yield* new StoreError.StoreError({
          reason: "locked",
          message: `the store is locked by another bd (${lockPath(options)}); a lock left by a crashed bd is broken after ${settings.stale / 1000} s`
        })
      }
      // A person waiting on a silent command deserves to know why.
      if (!noticed && waited >= noticeAfterMs) {
        noticed = true
        yield* Console.error(`bd: waiting for another bd to release ${lockPath(options)}…`)
      }
      yield* Effect.sleep(pollMs)
    }
  })
  yield* wait.pipe(
    Outcome.measured(({ duration_ms }) => telemetry.emit({ _tag: "bd.db.lock_wait", wait_ms: duration_ms, exclusive }))
  )
})

/**
 * Takes the lock until the current scope closes, waiting up to `timeoutMs` (then fails
 * with `locked`).
 */
export const exclusive = (
  options: Options
): Effect.Effect<void, StoreError.StoreError, Telemetry.Telemetry | Scope.Scope> =>
  acquire(
    options,
    true,
    // Taking the lock and registering its release cannot be torn apart by an interrupt; the
    // wait around it can (SIGINT while waiting ends bd at once).
    Effect.uninterruptible(
      Effect.tryPromise({ try: () => lockfile.lock(options.path, settings), catch: (error) => error }).pipe(
        Effect.flatMap((release) =>
          Effect.addFinalizer(() => Effect.promise(() => release().catch(() => undefined))).pipe(Effect.as(true))
        ),
        Effect.catchIf(isLocked, () => Effect.succeed(false)),
        Effect.mapError(failed(options))
      )
    )
  )

/**
 * Waits up to `timeoutMs` until no writer holds the lock.
 */
export const shared = (options: Options): Effect.Effect<void, StoreError.StoreError, Telemetry.Telemetry> =>
  acquire(
    options,
    false,
    Effect.tryPromise({ try: () => lockfile.check(options.path, settings), catch: failed(options) }).pipe(
      Effect.map((held) => !held)
    )
  )
