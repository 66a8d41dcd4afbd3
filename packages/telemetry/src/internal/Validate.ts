// Validation of events at the door: each event's `Schema.is`, the full decoder only to explain
// a failure. An event kind starts with the interpreted guard; once it has been validated
// `hot` times, its guard is compiled by Effect's schema JIT (straight-line code generated from
// the schema, 2-3x faster per event; see the README's "Emit and encode"). A short-lived
// command, which records a handful of events, never loads the code generator (a few ms at
// start-up); a busy process loads it once, in the background, and compiles its hot kinds.
import { Catalogue } from "@gastown-otel/schema"
import { Cause, Exit, Schema, SchemaAST } from "effect"
import { InvalidEvent } from "../TelemetryError.ts"

type Jit = typeof import("effect/schema/SchemaJITCompiler")

/** Validations of one event kind after which its guard is compiled. */
export const hot = 128

interface Guard {
  readonly schema: Schema.Top
  is: (input: unknown) => boolean
  seen: number
  compiled: boolean
}

const guards: ReadonlyMap<string, Guard> = new Map(
  Catalogue.entries.map((entry) => {
    const schema = entry.schema as Schema.Top
    // The interpreted guard is made from a copy (a new AST): the schema's own AST stays unused
    // until the JIT is enabled for it, and a guard keeps the parser it was made with.
    return [entry.spec.name, { schema, is: Schema.is(schema.annotate({})), seen: 0, compiled: false }]
  })
)

let jit: Jit | undefined
let loading: Promise<Jit | undefined> | undefined

// Loaded once; should it fail, guards stay interpreted (telemetry never fails its host).
const load = (): Promise<Jit | undefined> => {
  loading ??= import("effect/schema/SchemaJITCompiler").then(
    (module) => (jit = module),
    () => undefined
  )
  return loading
}

const compile = (guard: Guard, compiler: Jit): void => {
  compiler.enable(SchemaAST.toType(guard.schema.ast))
  guard.is = Schema.is(guard.schema)
  guard.compiled = true
}

/** Loads the JIT and compiles every event's guard now (benches and tests; a process need not). */
export const compileAll = async (): Promise<void> => {
  const compiler = await load()
  if (compiler === undefined) return
  for (const guard of guards.values()) if (!guard.compiled) compile(guard, compiler)
}

/** Whether an event kind's guard is compiled yet. */
export const isCompiled = (name: string): boolean => guards.get(name)?.compiled ?? false

const explain = Schema.decodeUnknownExit(Catalogue.Event as unknown as Schema.Codec<unknown, unknown>)

/** The event when valid, else the error naming what is wrong. */
export const validate = (input: unknown): Catalogue.Event | InvalidEvent => {
  const tag = typeof input === "object" && input !== null ? (input as { _tag?: unknown })._tag : undefined
  const guard = typeof tag === "string" ? guards.get(tag) : undefined
  if (guard !== undefined && !guard.compiled && ++guard.seen >= hot) {
    if (jit === undefined) void load()
    else compile(guard, jit)
  }
  if (guard?.is(input)) return input as Catalogue.Event
  const exit = explain(input)
  return new InvalidEvent({
    event: typeof tag === "string" ? tag : "(no _tag)",
    issue: Exit.isFailure(exit)
      ? String((Cause.squash(exit.cause) as Error).message).replace(/\s+/g, " ")
      : "unknown event"
  })
}
