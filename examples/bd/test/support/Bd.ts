// Runs the real bd executable in a temporary directory.
import { Endpoints, Process } from "@gastown-otel/testkit"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// What users run: the bin, which runs the built bundle.
const bin = fileURLToPath(new URL("../../bin/bd.js", import.meta.url))

export type Result = Process.Ran

/** The variables that turn bd's telemetry on, to a server at `url`. */
export const telemetryTo = (url: string): Record<string, string> => Endpoints.telemetryAt("bd", url)

/**
 * `bd ...args` with the store and the telemetry state in `dir`, and only `env` besides:
 * nothing leaks in from the environment the tests run in. Killed after 10 s so a hang fails the test.
 * `terminateOn`: send SIGTERM once stderr shows this text.
 */
export const run = (
  dir: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  options: { readonly terminateOn?: string } = {}
) =>
  Process.node(bin, args, {
    cwd: dir,
    env: {
      PATH: process.env["PATH"] ?? "",
      BD_DB: join(dir, "beads.json"),
      // Counter totals and the spool of unsent telemetry are per host; each test gets its own.
      GT_OTEL_STATE_DIR: join(dir, "otel-state"),
      ...env
    },
    timeoutMs: 10_000,
    signalOn: options.terminateOn === undefined ? undefined : { text: options.terminateOn, signal: "SIGTERM" }
  })
