// Runs the real gt and bd CLIs as subprocesses on this Node, each test in a sandbox of its
// own (bd's store and the telemetry state directory).
import { Endpoints, Process, TempDir } from "@gastown-otel/testkit"
import { Effect } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const bins = {
  gt: fileURLToPath(import.meta.resolve("@gastown-otel/example-gt/bin")),
  bd: fileURLToPath(import.meta.resolve("@gastown-otel/example-bd/bin"))
} as const

export const telemetryAt = Endpoints.telemetryAt
export const patientFlush = Endpoints.patientFlush

export const run = (
  program: keyof typeof bins,
  args: ReadonlyArray<string>,
  variables: Record<string, string>
): Effect.Effect<Process.Ran> => Process.node(bins[program], args, { env: Process.environment(variables) })

/** A fresh directory for one test, with bd's store and the telemetry state inside, removed with the scope. */
export const sandbox = Effect.map(TempDir.make("gt-test-"), (dir) => ({
  dir,
  env: { BD_DB: path.join(dir, "beads.json"), GT_OTEL_STATE_DIR: path.join(dir, "state") }
}))
