// Validation of events at the door: each event's `Schema.is`, compiled by Effect's schema JIT
// (straight-line code generated from the schema on first use; measured against the checker
// this module used to compile by hand in the README's "Emit and encode"), the full decoder
// only to explain a failure.
import { Catalogue } from "@gastown-otel/schema"
import { Cause, Exit, Schema, SchemaAST } from "effect"
import * as SchemaJITCompiler from "effect/schema/SchemaJITCompiler"
import { InvalidEvent } from "../TelemetryError.ts"

/** Per event name: its schema's guard, JIT-compiled (interpreted where code cannot be generated). */
export const checks: ReadonlyMap<string, (input: unknown) => boolean> = new Map(
  Catalogue.entries.map((entry) => {
    // Enabled before the guard is made: a guard keeps the parser it was made with.
    SchemaJITCompiler.enable(SchemaAST.toType(entry.schema.ast))
    return [entry.spec.name, Schema.is(entry.schema as Schema.Top)]
  })
)

const explain = Schema.decodeUnknownExit(Catalogue.Event as unknown as Schema.Codec<unknown, unknown>)

/** The event when valid, else the error naming what is wrong. */
export const validate = (input: unknown): Catalogue.Event | InvalidEvent => {
  const tag = typeof input === "object" && input !== null ? (input as { _tag?: unknown })._tag : undefined
  const check = typeof tag === "string" ? checks.get(tag) : undefined
  if (check?.(input)) return input as Catalogue.Event
  const exit = explain(input)
  return new InvalidEvent({
    event: typeof tag === "string" ? tag : "(no _tag)",
    issue: Exit.isFailure(exit)
      ? String((Cause.squash(exit.cause) as Error).message).replace(/\s+/g, " ")
      : "unknown event"
  })
}
