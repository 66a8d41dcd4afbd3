/**
 * The constructor every catalogue entry is built with: a tagged struct whose tag is
 * the event name, annotated with what it derives.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { EventSpec, MetricSpec } from "./Annotations.ts"

/**
 * Defines an event: `_tag` is the event name (the log record body).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const Name extends string, const Fields extends Schema.Struct.Fields>(
  name: Name,
  spec: Omit<EventSpec, "name">,
  fields: Fields
) => Schema.TaggedStruct(name, fields).annotate({ identifier: name, "gastown-otel/event": { name, ...spec } })

/**
 * Bucket boundaries, in ms, for command and storage latencies: 1 ms to 1 min.
 *
 * @since 0.1.0
 * @category buckets
 */
export const latencyBoundariesMs: ReadonlyArray<number> = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000
]

/**
 * Bucket boundaries, in ms, for model calls: 100 ms to 10 min.
 *
 * @since 0.1.0
 * @category buckets
 */
export const modelBoundariesMs: ReadonlyArray<number> = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000
]

/**
 * A counter adding one per event, labelled by `labels`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const counter = (
  name: string,
  unit: string,
  description: string,
  labels: ReadonlyArray<string>
): MetricSpec => ({ name, kind: "counter", unit, description, labels })
