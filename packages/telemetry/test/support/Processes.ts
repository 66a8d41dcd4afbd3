// Runs the emit-one program as a real process with the project's Node.
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { TelemetryConfig } from "@gastown-otel/telemetry"

const program = fileURLToPath(new URL("../programs/emit-one.ts", import.meta.url))

export const metricsPath = new URL(TelemetryConfig.defaultUrls.metrics).pathname
export const logsPath = new URL(TelemetryConfig.defaultUrls.logs).pathname

export interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
  readonly ms: number
}

export const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "gastown-otel-"))

/**
 * A flush budget for tests that check what arrives rather than how long exit takes: on a
 * loaded machine the default 200 ms could leave the last batch in the spool.
 */
export const patient = { GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }

/** The gt telemetry variables for a backend at `base`. */
export const urls = (base: string) => ({ GT_OTEL_METRICS_URL: base + metricsPath, GT_OTEL_LOGS_URL: base + logsPath })

export interface RunOptions {
  readonly mode?: string
  readonly id?: string | number
  readonly env?: Record<string, string>
  /** Sent once the program says it is ready (mode "wait"). */
  readonly signal?: NodeJS.Signals
  /** The same signal again, this many ms after the first. */
  readonly repeatSignalAfterMs?: number
  /** SIGKILL after this many ms. */
  readonly killAfterMs?: number
  /** Started by a shell under this umask, e.g. "022", whatever the test runner's is. */
  readonly umask?: string
  /** Options for node before the program, e.g. `--import` of a module. */
  readonly nodeArgs?: ReadonlyArray<string>
}

export const run = (options: RunOptions) =>
  Effect.promise(
    () =>
      new Promise<Run>((resolve) => {
        const started = performance.now()
        const argv = [...(options.nodeArgs ?? []), program, options.mode ?? "ok", String(options.id ?? 0)]
        const [command, args] =
          options.umask === undefined
            ? [process.execPath, argv]
            : ["/bin/sh", ["-c", `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...argv]]
        const child = spawn(command, args, {
          env: { PATH: process.env["PATH"] ?? "", GT_OTEL_STATE_DIR: tempDir(), ...options.env },
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stderr = ""
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
        child.stdout.on("data", (d: Buffer) => {
          if (options.signal === undefined || !d.toString().includes("ready")) return
          child.kill(options.signal)
          if (options.repeatSignalAfterMs !== undefined) {
            setTimeout(() => child.kill(options.signal), options.repeatSignalAfterMs)
          }
        })
        const timer =
          options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs)
        child.on("exit", (code, signal) => {
          clearTimeout(timer)
          resolve({ code, signal, stderr, ms: performance.now() - started })
        })
      })
  )
