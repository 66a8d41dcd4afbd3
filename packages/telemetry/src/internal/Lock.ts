// An exclusive lock between processes on one host: a lock file created with O_EXCL.
// A lock left by a dead process (or held implausibly long) is broken, so a crash never
// blocks the next command.
import { Effect } from "effect"
import * as fs from "node:fs"

const staleAfterMs = 5_000

const holderIsGone = (path: string): boolean => {
  try {
    const pid = Number(fs.readFileSync(path, "utf8"))
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - fs.statSync(path).mtimeMs > staleAfterMs
    try {
      process.kill(pid, 0)
      return Date.now() - fs.statSync(path).mtimeMs > staleAfterMs
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH"
    }
  } catch {
    // Vanished between our attempt and this look: free now.
    return true
  }
}

const tryAcquire = (path: string): boolean => {
  try {
    const fd = fs.openSync(path, "wx")
    fs.writeSync(fd, String(process.pid))
    fs.closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    if (holderIsGone(path)) fs.rmSync(path, { force: true })
    return false
  }
}

/**
 * Runs `body` holding the lock at `path`; `undefined` when it could not be had within
 * `waitMs` (the caller decides what to do without it).
 */
export const withLock = <A, E, R>(
  path: string,
  waitMs: number,
  body: Effect.Effect<A, E, R>
): Effect.Effect<A | undefined, E, R> =>
  Effect.suspend(() => {
    const deadline = Date.now() + waitMs
    const acquire: Effect.Effect<boolean> = Effect.suspend(() => {
      if (tryAcquire(path)) return Effect.succeed(true)
      if (Date.now() >= deadline) return Effect.succeed(false)
      return Effect.sleep(2).pipe(Effect.andThen(acquire))
    })
    return Effect.acquireUseRelease(
      acquire,
      (held) => (held ? body : Effect.succeed(undefined)),
      (held) => Effect.sync(() => held && fs.rmSync(path, { force: true }))
    )
  })
