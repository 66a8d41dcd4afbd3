/**
 * A lock file next to the store, so concurrent bd processes (gt runs many) never lose
 * each other's writes. A writer holds it exclusively (created with O_EXCL); a reader
 * only waits until no writer holds it, so it sees any write already under way. Every
 * acquisition reports its wait as `bd.db.lock_wait`.
 */
import { Outcome, Telemetry } from "@gastown-otel/telemetry"
import { Clock, Console, Effect, FileSystem, type PlatformError, type Scope } from "effect"
import * as StoreError from "./StoreError.ts"

/**
 * Where the lock is and how long one acquisition may wait for it.
 */
export interface Options {
  readonly path: string
  readonly timeoutMs: number
}

// Short enough that a released lock is taken quickly, long enough not to spin.
const pollMs = 5

const noticeAfterMs = 500

const isNotFound = (error: PlatformError.PlatformError) => error.reason._tag === "NotFound"

// The holder's pid as written by `exclusive`; "gone" when the lock was released meanwhile.
const holder = (
  fs: FileSystem.FileSystem,
  path: string
): Effect.Effect<number | "gone" | "unknown", StoreError.StoreError> =>
  fs.readFileString(path).pipe(
    Effect.map((text): number | "unknown" => {
      const pid = Number(text.trim())
      return Number.isSafeInteger(pid) && pid > 0 ? pid : "unknown"
    }),
    Effect.catchIf(isNotFound, () => Effect.succeed("gone" as const)),
    Effect.mapError(StoreError.io)
  )

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const acquire = Effect.fnUntraced(function* <R>(
  options: Options,
  exclusive: boolean,
  take: Effect.Effect<boolean, StoreError.StoreError, R>
) {
  const fs = yield* FileSystem.FileSystem
  const telemetry = yield* Telemetry.Telemetry
  const started = yield* Clock.currentTimeMillis
  let noticed = false
  const wait = Effect.gen(function* () {
    while (!(yield* take)) {
      const pid = yield* holder(fs, options.path)
      if (pid === "gone") continue
      // A holder that died (killed mid-write) would block the store forever. Two
      // processes breaking the same stale lock at once can race; the window is a
      // few microseconds after a crash, which an example tracker accepts.
      if (pid !== "unknown" && !isAlive(pid)) {
        yield* fs.remove(options.path).pipe(
          Effect.catchIf(isNotFound, () => Effect.void),
          Effect.mapError(StoreError.io)
        )
        continue
      }
      const who = pid === "unknown" ? "another process" : `process ${pid}`
      const waited = (yield* Clock.currentTimeMillis) - started
      if (waited >= options.timeoutMs) {
        return yield* new StoreError.StoreError({
          reason: "locked",
          message: `the store is locked by ${who} (${options.path}); remove that file if no bd is running`
        })
      }
      // A person waiting on a silent command deserves to know why.
      if (!noticed && waited >= noticeAfterMs) {
        noticed = true
        yield* Console.error(`bd: waiting for ${who} to release ${options.path}…`)
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
 * with `locked`). A lock left by a process that no longer exists is broken.
 */
export const exclusive = (
  options: Options
): Effect.Effect<void, StoreError.StoreError, FileSystem.FileSystem | Telemetry.Telemetry | Scope.Scope> =>
  FileSystem.FileSystem.use((fs) =>
    acquire(
      options,
      true,
      // Creating the file and registering its removal cannot be torn apart by an interrupt;
      // the wait around it can (SIGINT while waiting ends bd at once).
      Effect.uninterruptible(
        fs.writeFileString(options.path, String(process.pid), { flag: "wx" }).pipe(
          Effect.andThen(Effect.addFinalizer(() => fs.remove(options.path).pipe(Effect.ignore))),
          Effect.as(true),
          Effect.catchIf(
            (error) => error.reason._tag === "AlreadyExists",
            () => Effect.succeed(false)
          ),
          Effect.mapError(StoreError.io)
        )
      )
    )
  )

/**
 * Waits up to `timeoutMs` until no writer holds the lock.
 */
export const shared = (
  options: Options
): Effect.Effect<void, StoreError.StoreError, FileSystem.FileSystem | Telemetry.Telemetry> =>
  FileSystem.FileSystem.use((fs) =>
    acquire(
      options,
      false,
      fs.exists(options.path).pipe(
        Effect.map((held) => !held),
        Effect.mapError(StoreError.io)
      )
    )
  )
