// Runs test/programs/emit-one.ts, bundled as the example CLIs are (`npm run build`), as a real
// process: one bd.call through layerConfig("gt"), then the exit its mode asks for.
import { Endpoints, Process, TempDir } from "@gastown-otel/testkit"
import { decodeTraces } from "@gastown-otel/testkit/OtlpDecode"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { fileURLToPath } from "node:url"

const program = fileURLToPath(new URL("../programs/dist/emit-one.js", import.meta.url))

export const metricsPath = Endpoints.paths.metrics
export const logsPath = Endpoints.paths.logs
export const tracesPath = Endpoints.paths.traces
export const patient = Endpoints.patientFlush

/** The gt telemetry variables for a backend at `base`. */
export const urls = (base: string) => Endpoints.telemetryAt("gt", base)

/** The same and a traces URL: the program's span goes through the exporter too. */
export const withTraces = (base: string): Record<string, string> => ({
  ...urls(base),
  [TelemetryConfig.urlVariables("gt").traces]: base + tracesPath
})

/** The run id of every span in `bodies` (the program names its span after it), as sent. */
export const spanRuns = (bodies: ReadonlyArray<Uint8Array>): ReadonlyArray<number> =>
  bodies.flatMap((body) =>
    decodeTraces(body).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((s) => s.spans.map((span) => Number(/^emit-one (\d+)$/.exec(span.name ?? "")?.[1])))
    )
  )

export interface RunOptions {
  readonly mode?: string
  readonly id?: string | number
  /** Besides PATH, all the program gets; a fresh state directory unless it names one. */
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

export const run = Effect.fnUntraced(function* (options: RunOptions) {
  const stateDir = options.env?.["GT_OTEL_STATE_DIR"] ?? (yield* TempDir.make())
  const argv = [...(options.nodeArgs ?? []), program, options.mode ?? "ok", String(options.id ?? 0)]
  const processOptions: Process.Options = {
    env: { PATH: process.env["PATH"] ?? "", ...options.env, GT_OTEL_STATE_DIR: stateDir },
    signalOn:
      options.signal === undefined
        ? undefined
        : { text: "ready", signal: options.signal, repeatAfterMs: options.repeatSignalAfterMs },
    killAfterMs: options.killAfterMs
  }
  // A umask is the shell's to set: the program then runs under it, as a user's would.
  return yield* options.umask === undefined
    ? Process.run(process.execPath, argv, processOptions)
    : Process.run(
        "/bin/sh",
        ["-c", `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...argv],
        processOptions
      )
})
