// Validation of events at the door: a fast type guard per event, the full decoder only
// to explain a failure.
import { Catalogue } from "@gastown-otel/schema"
import { Cause, Exit, Schema } from "effect"
import { InvalidEvent } from "../TelemetryError.ts"

const guards = new Map(Catalogue.entries.map((e) => [e.spec.name, Schema.is(e.schema as Schema.Top)]))
const explain = Schema.decodeUnknownExit(Catalogue.Event as unknown as Schema.Codec<unknown, unknown>)

/** The event when valid, else the error naming what is wrong. */
export const validate = (input: unknown): Catalogue.Event | InvalidEvent => {
  const tag = typeof input === "object" && input !== null ? (input as { _tag?: unknown })._tag : undefined
  const guard = typeof tag === "string" ? guards.get(tag) : undefined
  if (guard?.(input)) return input as Catalogue.Event
  const exit = explain(input)
  return new InvalidEvent({
    event: typeof tag === "string" ? tag : "(no _tag)",
    issue: Exit.isFailure(exit)
      ? String((Cause.squash(exit.cause) as Error).message).replace(/\s+/g, " ")
      : "unknown event"
  })
}
