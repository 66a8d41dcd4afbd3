// A real `gastown-otel serve` process on free ports, for tests that kill it or point real
// clients at it. It is killed when the scope ends if it still runs.
import { Process } from "@gastown-otel/testkit"
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../src/bin.ts", import.meta.url))

export interface Running {
  readonly metricsUrl: string
  readonly logsUrl: string
  readonly child: ChildProcess
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>
  readonly output: () => string
}

/** Starts serve on `dataDir`; `nodeFlags` go to Node (the bench's `--inspect` when profiling). */
export const start = (dataDir: string, nodeFlags: ReadonlyArray<string> = []) =>
  Effect.acquireRelease(
    Effect.callback<Running>((resume) => {
      const child = spawn(
        process.execPath,
        [...nodeFlags, bin, "serve", "--data-dir", dataDir, "--metrics-port", "0", "--logs-port", "0"],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
      let output = ""
      const exited = new Promise<number | string>((done) =>
        child.on("exit", (code, signal) => done(code ?? signal ?? "unknown"))
      )
      const onData = (chunk: string) => {
        output += chunk
        const ready = /metrics (\S+), logs (\S+),/.exec(output)
        if (ready !== null) {
          child.stdout!.off("data", onData)
          resume(Effect.succeed({ metricsUrl: ready[1]!, logsUrl: ready[2]!, child, exited, output: () => output }))
        }
      }
      child.stdout!.setEncoding("utf8").on("data", onData)
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
      void exited.then((code) => resume(Effect.die(new Error(`serve exited (${code}) before it was ready: ${output}`))))
    }),
    (running) =>
      Effect.promise(() => {
        if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL")
        return running.exited
      })
  )

/** Sends `signal` and waits for the process to exit. */
export const stop = (running: Running, signal: NodeJS.Signals) =>
  Effect.promise(() => {
    running.child.kill(signal)
    return running.exited
  })

/** Runs `gastown-otel args…` from its sources to the end (or as `options` say) and returns what it printed. */
export const cli = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  options: Omit<Process.Options, "env"> = {}
): Effect.Effect<Process.Ran> =>
  Process.run(process.execPath, ["--conditions=@gastown-otel/source", bin, ...args], {
    env: Process.environment(env),
    ...options
  })
