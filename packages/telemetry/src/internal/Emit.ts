// The emit path shared by every recording layer: validate, read the fiber's labels and
// span, record, annotate the span. Synchronous and allocation-light: it runs per event.
import type { Catalogue } from "@gastown-otel/schema"
import { Context, Effect, Tracer } from "effect"
import { Current } from "../Labels.ts"
import { InvalidEvent } from "../TelemetryError.ts"
import * as UnixNanos from "./UnixNanos.ts"
import type { Recorder } from "./Recorder.ts"
import { validate } from "./Validate.ts"

/**
 * Where validated events go: `record` derives and keeps them (the in-process recorder,
 * or the app's OTel SDK for the bridge) and, when asked, returns the log record's
 * attributes for the span event; `drop` counts what was not kept.
 */
export type Sink = Pick<Recorder, "record" | "drop">

export const make =
  (sink: Sink, options: { readonly strict: boolean; readonly onEvent?: (event: Catalogue.Event) => void }) =>
  (input: Catalogue.Event): Effect.Effect<void> =>
    Effect.withFiber((fiber) => {
      const event = validate(input)
      if (event instanceof InvalidEvent) {
        if (options.strict) return Effect.die(event)
        sink.drop("invalid_event")
        return Effect.void
      }
      const parent = Context.getOrUndefined(fiber.context, Tracer.ParentSpan)
      const inSpan = parent?._tag === "Span"
      const time = UnixNanos.nowMillis()
      try {
        const attributes = sink.record(event, fiber.getRef(Current), parent, time, inSpan)
        // Span events get the same redacted, truncated attributes as the log record.
        if (inSpan) parent.event(event._tag, UnixNanos.fromMillis(time), attributes)
      } catch (error) {
        // A bug of ours, or an app's OTel SDK throwing (the bridge): never the host's problem.
        if (options.strict) return Effect.die(error)
        sink.drop("record_failed")
        return Effect.void
      }
      options.onEvent?.(event)
      return Effect.void
    })
