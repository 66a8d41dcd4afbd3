/**
 * The example gt and bd CLIs as real subprocesses on the test's Node, each test in a sandbox
 * of its own (bd's store and the telemetry state directory).
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
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
