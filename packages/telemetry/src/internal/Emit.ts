// The emit path shared by every recording layer: validate, read the fiber's labels and
// span, record, annotate the span. Synchronous and allocation-light: it runs per event.
import type { Catalogue } from "@gastown-otel/schema"
import { Context, Effect, Tracer } from "effect"
import { Current } from "../Labels.ts"
import { InvalidEvent } from "../TelemetryError.ts"
import * as UnixNanos from "./UnixNanos.ts"
import type { Attributes, Recorded, Recorder } from "./Recorder.ts"
import { validate } from "./Validate.ts"

/**
 * Where validated events go: `record` derives and keeps them (the in-process recorder,
 * or the app's OTel SDK for the bridge) and, when asked, returns what the span event
 * carries: the log record (ours) or its attributes; `drop` counts what was not kept.
 */
export interface Sink {
  readonly record: (...args: Parameters<Recorder["record"]>) => Recorded | Attributes | undefined
  readonly drop: Recorder["drop"]
}

/**
 * The method of our own spans (the live layer's tracer) that takes a recorded log record
 * as a span event, as it is: the encoder writes its typed attributes, and no attributes
 * object is made per event. Any other span gets `event(name, time, attributes)`.
 */
export const addRecord: unique symbol = Symbol.for("@gastown-otel/telemetry/Emit/addRecord")

export interface TakesRecords {
  readonly [addRecord]: (record: Recorded) => void
}

const isRecorded = (r: Recorded | Attributes): r is Recorded =>
  typeof (r as Partial<Recorded>).toAttributes === "function"

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
        const recorded = sink.record(event, fiber.getRef(Current), parent, time, inSpan)
        // Span events get the same redacted, truncated attributes as the log record.
        if (inSpan && recorded !== undefined) {
          if (!isRecorded(recorded)) parent.event(event._tag, UnixNanos.fromMillis(time), recorded)
          else if (addRecord in parent) (parent as unknown as TakesRecords)[addRecord](recorded)
          else parent.event(event._tag, UnixNanos.fromMillis(time), recorded.toAttributes())
        }
      } catch (error) {
        // A bug of ours, or an app's OTel SDK throwing (the bridge): never the host's problem.
        if (options.strict) return Effect.die(error)
        sink.drop("record_failed")
        return Effect.void
      }
      options.onEvent?.(event)
      return Effect.void
    })
