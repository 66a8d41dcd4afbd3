/**
 * The example gt and bd CLIs as real subprocesses on the test's Node, each test in a sandbox
 * of its own (bd's store and the telemetry state directory).
 *
 * @since 0.1.0
 */
import * as FileLock from "@gastown-otel/example-bd/FileLock"
import { Effect, type Scope } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as lockfile from "proper-lockfile"
import * as Endpoints from "./Endpoints.ts"
import * as Process from "./Process.ts"
import * as TempDir from "./TempDir.ts"

/**
 * The executables, resolved as any dependency is.
 *
 * @since 0.1.0
 * @category programs
 */
export const bins = {
  gt: fileURLToPath(import.meta.resolve("@gastown-otel/example-gt/bin")),
  bd: fileURLToPath(import.meta.resolve("@gastown-otel/example-bd/bin"))
} as const

/**
 * `gt|bd args…` with the runner's environment, cleaned of telemetry variables, plus `variables`.
 *
 * @since 0.1.0
 * @category programs
 */
export const run = (
  program: keyof typeof bins,
  args: ReadonlyArray<string>,
  variables: Record<string, string>
): Effect.Effect<Process.Ran> => Process.node(bins[program], args, { env: Process.environment(variables) })

/**
 * A fresh directory for one test, with bd's store and the telemetry state inside, removed
 * with the scope.
 *
 * @since 0.1.0
 * @category sandboxes
 */
export const sandbox: Effect.Effect<
  { readonly dir: string; readonly env: { readonly BD_DB: string; readonly GT_OTEL_STATE_DIR: string } },
  never,
  Scope.Scope
> = Effect.map(TempDir.make("gt-test-"), (dir) => ({
  dir,
  env: { BD_DB: path.join(dir, "beads.json"), GT_OTEL_STATE_DIR: path.join(dir, "state") }
}))

/**
 * @since 0.1.0
 * @category endpoints
 */
export const telemetryAt = Endpoints.telemetryAt

/**
 * @since 0.1.0
 * @category endpoints
 */
export const patientFlush = Endpoints.patientFlush

/**
 * Holds bd's lock on the store `file` until the scope closes, keeping it fresh as a running
 * bd does (bd's own lock settings): another bd sees a live holder, not a stale lock.
 *
 * @since 0.1.0
 * @category programs
 */
export const holdLock = (file: string): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(
    Effect.acquireRelease(
      Effect.promise(() => lockfile.lock(file, FileLock.settings)),
      (release) => Effect.promise(() => release())
    )
  )

/**
 * What a day in the town ran: the commands that work on one store in order, those that leave
 * it alone, and a `bd list` on a store another process holds (bd retries, then fails with a
 * storage error: exit 1).
 *
 * @since 0.1.0
 * @category programs
 */
export interface Day {
  readonly story: ReadonlyArray<Process.Ran>
  readonly standalone: ReadonlyArray<Process.Ran>
  readonly locked: Process.Ran
}

/**
 * A day in the town with the real gt and bd, under `env` (a sandbox's and the telemetry
 * variables), `dir` the sandbox's directory: between them the commands emit every event the
 * catalogue gives to gt or bd.
 *
 * @since 0.1.0
 * @category programs
 */
export const day = (env: Record<string, string>, dir: string): Effect.Effect<Day> => {
  const gt = (...args: Array<string>) => run("gt", args, env)
  const bd = (...args: Array<string>) => run("bd", args, env)
  // Work on one store, in order: each step needs the one before.
  const story = [
    gt("formula", "run", "review"),
    gt("sling", "bd-2", "mol/polecats/jana"),
    gt("convoy", "create", "bd-2"),
    gt("mail", "send", "mol/polecats/jana", "--subject", "review bd-2"),
    gt("mail", "read", "msg-1"),
    gt("done", "--exit", "COMPLETED", "--bead", "bd-2"),
    bd("compact", "--ai"),
    bd("stats")
  ]
  // Commands that leave the store alone.
  const standalone = [
    gt("nudge", "mol/polecats/jana"),
    gt("prime", "--hook"),
    gt("polecat", "spawn", "jana"),
    gt("polecat", "remove", "jana"),
    gt("session", "start"),
    gt("session", "stop", "mol-witness-1"),
    gt("agent", "state", "mol/polecats/jana", "working"),
    gt("prompt", "mol-witness-1", "review bd-2"),
    gt("pane", "read", "mol-witness-1", "--lines", "5"),
    gt("daemon", "restart", "witness")
  ]
  // A store another process holds (this one, keeping its lock fresh as every bd does): bd
  // retries, then gives up with a storage error.
  const lockedDb = path.join(dir, "locked.json")
  const locked = holdLock(lockedDb).pipe(
    Effect.andThen(run("bd", ["list"], { ...env, BD_DB: lockedDb, BD_LOCK_TIMEOUT: "20 millis" })),
    Effect.scoped
  )
  return Effect.all([Effect.all(story), Effect.all([...standalone, locked], { concurrency: 3 })], {
    concurrency: 2
  }).pipe(Effect.map(([story, others]) => ({ story, standalone: others.slice(0, -1), locked: others.at(-1)! })))
}
