/**
 * Starts a Claude Code session as a child process with the telemetry environment of
 * docs/contract.md#claude-code-sessions. The program is the stand-in next to this file unless `GT_CLAUDE_BIN` names
 * another (the real `claude` CLI, say).
 */
import { ChildEnvironment } from "@gastown-otel/telemetry"
import { Config, Effect, Option } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import { fileURLToPath } from "node:url"
import { GtError } from "./GtError.ts"

/**
 * What the session is started with.
 */
export interface Options extends ChildEnvironment.ClaudeOptions {
  /** Passed as `--print <prompt>`: the session answers it and exits. */
  readonly prompt?: string | undefined
}

// The stand-in runs on gt's own Node. Resolved through this package's exports: the bundle
// beside gt's (or the source, under the `@gastown-otel/source` condition).
const standIn = () => fileURLToPath(import.meta.resolve("@gastown-otel/example-gt/claude-stand-in"))

const program = Config.option(Config.String("GT_CLAUDE_BIN")).pipe(
  Effect.map(
    Option.match({
      onNone: () => ({ command: process.execPath, args: [standIn()] }),
      onSome: (bin) => ({ command: bin, args: [] as Array<string> })
    })
  ),
  Effect.mapError((error) => new GtError({ message: `GT_CLAUDE_BIN: ${error.message}` }))
)

/**
 * Runs the session to its end, its output passed through; fails when it exits non-zero.
 */
export const run = Effect.fn("ClaudeSession.run")(function* (options: Options) {
  const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
  const { command, args } = yield* program
  const env = yield* ChildEnvironment.currentClaudeEnvironment(options)
  const argv = options.prompt === undefined ? args : [...args, "--print", options.prompt]
  const exitCode = yield* spawner
    .exitCode(
      ChildProcess.make(command, argv, { env, extendEnv: false, stdin: "ignore", stdout: "inherit", stderr: "inherit" })
    )
    .pipe(Effect.mapError((error) => new GtError({ message: `session program ${command}: ${error.message}` })))
  if (exitCode !== 0) return yield* new GtError({ message: `session program ${command} exited with code ${exitCode}` })
})
