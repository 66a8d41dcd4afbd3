// Runs the real gt and bd CLIs as subprocesses on this Node, in an environment cleaned of
// whatever telemetry or Gas Town variables the test runner happens to have.
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const bins = {
  gt: fileURLToPath(import.meta.resolve("@gastown-otel/example-gt/bin")),
  bd: fileURLToPath(import.meta.resolve("@gastown-otel/example-bd/bin"))
} as const

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMs: number
}

const inherited = /^(?:GT_|BD_|OTEL_|CLAUDE_CODE_|TRACEPARENT$)/

// Every test starts dozens of short Node processes; cached compiled code makes each start
// about a third faster.
const compileCache = path.join(os.tmpdir(), "gastown-otel-test-compile-cache")

export const environment = (variables: Record<string, string>): Record<string, string> => ({
  ...(Object.fromEntries(Object.entries(process.env).filter(([name]) => !inherited.test(name))) as Record<
    string,
    string
  >),
  NODE_COMPILE_CACHE: compileCache,
  ...variables
})

/** The variables that point a program's telemetry at a capture server. */
export const telemetryAt = (program: TelemetryConfig.Program, url: string): Record<string, string> => {
  const variables = TelemetryConfig.urlVariables(program)
  return {
    [variables.metrics]: url + new URL(TelemetryConfig.defaultUrls.metrics).pathname,
    [variables.logs]: url + new URL(TelemetryConfig.defaultUrls.logs).pathname
  }
}

/**
 * A flush budget generous enough that, on a loaded machine, what a test waits for is sent
 * at exit rather than spooled for a later process.
 */
export const patientFlush = { GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }

export const run = (
  program: keyof typeof bins,
  args: ReadonlyArray<string>,
  variables: Record<string, string>
): Effect.Effect<Ran> =>
  Effect.callback<Ran>((resume) => {
    const started = performance.now()
    const child = spawn(process.execPath, [bins[program], ...args], {
      env: environment(variables),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("close", (code) =>
      resume(Effect.succeed({ code, stdout, stderr, elapsedMs: Math.round(performance.now() - started) }))
    )
    return Effect.sync(() => child.kill())
  })

/**
 * A fresh directory for one test, removed at the end of its scope: bd's store and the
 * telemetry state directory (host counter totals, the spool) live there, so no test sees
 * another's.
 */
export const sandbox = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gt-test-"))
    return {
      dir,
      env: { BD_DB: path.join(dir, "beads.json"), GT_OTEL_STATE_DIR: path.join(dir, "state") }
    }
  }),
  ({ dir }) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
