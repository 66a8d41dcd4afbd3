/**
 * The one way gt talks to bd: a real `bd` subprocess per call, given gt's telemetry
 * endpoints, correlation labels and trace context, and reported as a `bd.call` event.
 */
import { ChildEnvironment, Labels, Outcome, Telemetry } from "@gastown-otel/telemetry"
import { Context, Duration, Effect, Exit, Layer, Stream } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import { fileURLToPath } from "node:url"
import { GtError } from "./GtError.ts"

/**
 * What a bd call printed.
 */
export interface Output {
  readonly stdout: string
  readonly stderr: string
}

/**
 * The bd client.
 */
export class Bd extends Context.Service<
  Bd,
  {
    /** Runs `bd <subcommand> <args…>`; fails when bd exits non-zero or cannot be started. */
    readonly call: (subcommand: string, args?: ReadonlyArray<string>) => Effect.Effect<Output, GtError>
  }
>()("@gastown-otel/example-gt/Bd") {}

// Resolved like any dependency, so gt runs the bd its package depends on, wherever installed.
const bdBin = fileURLToPath(import.meta.resolve("@gastown-otel/example-bd/bin"))

const text = <E>(stream: Stream.Stream<Uint8Array, E>) => Stream.mkString(Stream.decodeText(stream))

interface Ran extends Output {
  readonly exitCode: number
}

// bd reports a failure as effect/cli prints one, an `ERROR` heading over the message.
const messageOf = (stderr: string): string | undefined =>
  stderr
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "" && line !== "ERROR")

// A call that ran but exited non-zero fails with bd's own message.
const succeeded = (subcommand: string) => (ran: Ran) =>
  ran.exitCode === 0
    ? Effect.succeed(ran)
    : Effect.fail(
        new GtError({ message: `bd ${subcommand}: ${messageOf(ran.stderr) ?? `exited with code ${ran.exitCode}`}` })
      )

/**
 * Spawns bd as `process.execPath <bd bin>`, so the child runs on the same Node as gt.
 */
export const layer: Layer.Layer<Bd, never, ChildProcessSpawner.ChildProcessSpawner | Telemetry.Telemetry> =
  Layer.effect(
    Bd,
    Effect.gen(function* () {
      const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
      const telemetry = yield* Telemetry.Telemetry

      const run = Effect.fnUntraced(function* (argv: ReadonlyArray<string>) {
        // Read at call time: the labels in force here, and the span of this very call.
        const env = yield* ChildEnvironment.currentBdEnvironment()
        const handle = yield* spawner.spawn(
          ChildProcess.make(process.execPath, [bdBin, ...argv], { env, extendEnv: false, stdin: "ignore" })
        )
        const [stdout, stderr, exitCode] = yield* Effect.all(
          [text(handle.stdout), text(handle.stderr), handle.exitCode],
          { concurrency: "unbounded" }
        )
        return { stdout, stderr, exitCode }
      }, Effect.scoped)

      const call = (subcommand: string, args: ReadonlyArray<string> = []) =>
        Effect.gen(function* () {
          const [elapsed, ran] = yield* run([subcommand, ...args]).pipe(
            Effect.mapError(
              (error) => new GtError({ message: `bd ${subcommand}: could not run bd (${error.message})` })
            ),
            Effect.exit,
            Effect.timed
          )
          const result = yield* Effect.exit(Effect.flatMap(ran, succeeded(subcommand)))
          yield* telemetry.emit({
            _tag: "bd.call",
            subcommand,
            args: args.join(" "),
            duration_ms: Duration.toMillis(elapsed),
            ...(Exit.isSuccess(ran) ? { stdout: ran.value.stdout, stderr: ran.value.stderr } : {}),
            ...Outcome.fromExit(result)
          })
          return yield* result
        }).pipe(Labels.withSpan(`bd ${subcommand}`))

      return Bd.of({ call })
    })
  )
