/**
 * What the telemetry library reports about itself.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { make } from "./Event.ts"
import { Count } from "./Fields.ts"

/**
 * Why telemetry was dropped or changed on its way out.
 *
 * @since 0.1.0
 * @category events
 */
export const DropReason = Schema.Literals([
  "invalid_event",
  "record_failed",
  "log_buffer_full",
  "span_buffer_full",
  "span_event_limit",
  "series_limit",
  "label_folded",
  "export_failed",
  "spool_full"
])

/**
 * @since 0.1.0
 * @category models
 */
export type DropReason = typeof DropReason.Type

/**
 * Events, points or records the library dropped (or label values it folded into
 * `other`) since the last export, by reason.
 *
 * @since 0.1.0
 * @category events
 */
export const TelemetryDropped = make(
  "telemetry.dropped",
  {
    emitter: "telemetry",
    description: "Telemetry dropped or folded by the library itself",
    severity: "ERROR",
    metrics: [
      {
        name: "gastown_telemetry_dropped_total",
        kind: "counter",
        unit: "{item}",
        description: "Telemetry dropped (or label values folded into other) by the library, by reason",
        labels: ["reason"],
        value: "count"
      }
    ]
  },
  { reason: DropReason, count: Count }
)
