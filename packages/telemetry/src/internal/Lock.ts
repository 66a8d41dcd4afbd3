// An exclusive lock between processes on one host: a lock file created with O_EXCL and
// holding a token unique to this acquisition. A lock left by a dead process (or held
// implausibly long) is broken, so a crash never blocks the next command; breaking renames
// the file away first, so two processes cannot both break it and both hold the lock, and
// a holder releases only a file that still holds its own token.
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import { fileMode } from "./PrivateDir.ts"

const staleAfterMs = 5_000

const holderIsGone = (path: string): boolean => {
  try {
    const pid = Number(fs.readFileSync(path, "utf8").split(" ")[0])
    const old = Date.now() - fs.statSync(path).mtimeMs > staleAfterMs
    if (!Number.isInteger(pid) || pid <= 0) return old
    try {
      process.kill(pid, 0)
      return old
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH"
    }
  } catch {
    // Vanished between our attempt and this look: free now.
    return true
  }
}

const breakStale = (path: string) => {
  const aside = `${path}.stale.${randomBytes(6).toString("hex")}`
  try {
    fs.renameSync(path, aside)
    fs.rmSync(aside, { force: true })
  } catch {
    // Another process broke it first.
  }
}

const tryAcquire = (path: string, token: string): boolean => {
  try {
    // 0600 like everything in the state directory; the token inside is a random nonce.
    const fd = fs.openSync(path, "wx", fileMode)
    fs.writeSync(fd, token)
    fs.closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    if (holderIsGone(path)) breakStale(path)
    return false
  }
}

const release = (path: string, token: string) => {
  try {
    if (fs.readFileSync(path, "utf8") === token) fs.rmSync(path, { force: true })
  } catch {
    // Gone already: broken as stale by another process.
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
    const token = `${process.pid} ${randomBytes(8).toString("hex")}`
    const deadline = Date.now() + waitMs
    const acquire: Effect.Effect<boolean> = Effect.suspend(() => {
      if (tryAcquire(path, token)) return Effect.succeed(true)
      if (Date.now() >= deadline) return Effect.succeed(false)
      return Effect.sleep(2).pipe(Effect.andThen(acquire))
    })
    return Effect.acquireUseRelease(
      acquire,
      (held) => (held ? body : Effect.succeed(undefined)),
      (held) => Effect.sync(() => held && release(path, token))
    )
  })
