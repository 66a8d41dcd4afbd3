/**
 * Runs real programs as child processes, in an environment cleaned of whatever telemetry or
 * Gas Town variables the test runner happens to have, and collects what they printed.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as os from "node:os"
import * as path from "node:path"

/**
 * How a process ended and what it printed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The whole environment (see {@link environment}). */
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string | undefined
  /** SIGKILL after this long: a hang fails the test instead of stalling the run. Default 30 s. */
  readonly timeoutMs?: number | undefined
  /** Sends `signal` once stdout or stderr shows `text` (a program saying it is ready). */
  readonly signalOn?:
    | {
        readonly text: string
        readonly signal: NodeJS.Signals
        /** The same signal again, this long after the first. */
        readonly repeatAfterMs?: number | undefined
      }
    | undefined
  /** SIGKILL after this many ms (a crash at a chosen moment). */
  readonly killAfterMs?: number | undefined
}

const inherited = /^(?:GT_|BD_|OTEL_|CLAUDE_CODE_|ANTHROPIC_|TRACEPARENT$|NODE_OPTIONS$)/

// Tests start hundreds of short Node processes: cached compiled code makes each start faster.
const compileCache = path.join(os.tmpdir(), "gastown-otel-test-compile-cache")

/**
 * The test runner's environment without its telemetry and Gas Town variables, plus
 * `variables`.
 *
 * @since 0.1.0
 * @category processes
 */
export const environment = (variables: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  ...(Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !inherited.test(entry[0])
    )
  ) as Record<string, string>),
  NODE_COMPILE_CACHE: compileCache,
  ...variables
})

/**
 * Runs `command args…` to its end; interrupting the effect sends the process SIGTERM.
 *
 * @since 0.1.0
 * @category processes
 */
export const run = (command: string, args: ReadonlyArray<string>, options: Options): Effect.Effect<Ran> =>
  Effect.callback<Ran>((resume) => {
    const started = performance.now()
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let signalled = false
    const timers: Array<NodeJS.Timeout> = [setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)]
    if (options.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill("SIGKILL"), options.killAfterMs))
    const watch = () => {
      const on = options.signalOn
      if (on === undefined || signalled || !(stdout.includes(on.text) || stderr.includes(on.text))) return
      signalled = true
      child.kill(on.signal)
      if (on.repeatAfterMs !== undefined) timers.push(setTimeout(() => child.kill(on.signal), on.repeatAfterMs))
    }
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      watch()
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      watch()
    })
    // A command that cannot start (missing, not executable): a defect naming it, not an
    // uncaught exception that ends the whole test file.
    let finished = false
    const finish = (result: Effect.Effect<Ran>) => {
      if (finished) return
      finished = true
      for (const timer of timers) clearTimeout(timer)
      resume(result)
    }
    child.on("error", (error) => finish(Effect.die(new Error(`cannot run ${command}: ${error.message}`))))
    child.on("close", (code, signal) =>
      finish(Effect.succeed({ code, signal, stdout, stderr, ms: performance.now() - started }))
    )
    // Interrupted: stopped as a user would stop it, so it still flushes what it recorded.
    return Effect.sync(() => child.kill("SIGTERM"))
  })

/**
 * Runs a TypeScript or JavaScript program on the test's own Node.
 *
 * @since 0.1.0
 * @category processes
 */
export const node = (program: string, args: ReadonlyArray<string>, options: Options): Effect.Effect<Ran> =>
  run(process.execPath, [program, ...args], options)
