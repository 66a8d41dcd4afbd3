// The gastown-otel command line run in this process, on Node's services and a real HTTP
// client, with what it prints captured (stdout and stderr lines) and its exit.
import { Console, Effect, type Exit } from "effect"
import { TerminalCapabilities } from "effect/cli"
import * as Cli from "../../src/Cli.ts"

export interface Ran {
  readonly exit: Exit.Exit<void, unknown>
  readonly stdout: ReadonlyArray<string>
  readonly stderr: ReadonlyArray<string>
}

const text = (args: ReadonlyArray<unknown>) => args.map(String).join(" ")

export const run = (args: ReadonlyArray<string>, options: { readonly colour?: boolean } = {}): Effect.Effect<Ran> =>
  Effect.gen(function* () {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const console: Console.Console = {
      ...globalThis.console,
      log: (...a: ReadonlyArray<unknown>) => void stdout.push(...text(a).split("\n")),
      error: (...a: ReadonlyArray<unknown>) => void stderr.push(...text(a).split("\n"))
    }
    const exit = yield* Cli.runWith(args).pipe(
      Effect.provide(Cli.layer),
      Effect.provideService(Console.Console, console),
      Effect.provideService(TerminalCapabilities.TerminalCapabilities, {
        canColor: options.colour ?? false,
        canAnimate: false,
        canPrompt: false
      }),
      Effect.exit
    )
    return { exit, stdout, stderr }
  })
