/**
 * The typed annotations that turn an Effect Schema into a catalogue entry: what an
 * event derives (metrics, log record, severity) and how each field is exported
 * (metric label, truncation, redaction).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The instrument kinds the catalogue can derive.
 *
 * @since 0.1.0
 * @category models
 */
export type MetricKind = "counter" | "histogram" | "gauge"

/**
 * One instrument derived from an event.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricSpec {
  /** Instrument name exactly as sent in OTLP; see `Naming` for how backends store it. */
  readonly name: string
  readonly kind: MetricKind
  /** UCUM unit: `ms` for durations, `{thing}` annotations for counts. */
  readonly unit: string
  readonly description: string
  /** Event fields that become metric labels, beyond the gt.* correlation labels. */
  readonly labels: ReadonlyArray<string>
  /** Event field holding the recorded value; a counter without one adds 1 per event. */
  readonly value?: string | undefined
  /** Explicit bucket boundaries of a histogram, in `unit`. */
  readonly boundaries?: ReadonlyArray<number> | undefined
}

/**
 * Which program emits an event: gt, bd, or the telemetry library itself (self metrics,
 * recorded by whichever program runs it).
 *
 * @since 0.1.0
 * @category models
 */
export type Emitter = "gt" | "bd" | "telemetry"

/**
 * What an event schema derives.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventSpec {
  /** The log record body and the schema's `_tag`, e.g. `bd.call`. */
  readonly name: string
  readonly emitter: Emitter
  readonly description: string
  readonly metrics: ReadonlyArray<MetricSpec>
  /** Severity of the log record when no status field says otherwise. */
  readonly severity?: "INFO" | "ERROR" | undefined
}

/**
 * How a field is exported. Read from the field's schema.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldSpec {
  /** The field is the event status (`ok`/`error`): it sets the log severity. */
  readonly status?: boolean | undefined
  /** Cut to this many UTF-8 bytes on export (the cut is marked). */
  readonly truncateBytes?: number | undefined
  /** Secrets are masked on export. */
  readonly redact?: boolean | undefined
  /**
   * Captured process output (bd's stdout/stderr): `GT_LOG_BD_OUTPUT=false` leaves it out
   * and `GT_LOG_BD_CONTENT_LIMIT` replaces its byte limit.
   */
  readonly content?: boolean | undefined
  /**
   * An open-ended string that may still be a metric label: at most this many
   * distinct values per process before the rest fold into `other`.
   */
  readonly maxValues?: number | undefined
}

declare module "effect/Schema" {
  namespace Annotations {
    interface Annotations {
      readonly "gastown-otel/event"?: EventSpec | undefined
      readonly "gastown-otel/field"?: FieldSpec | undefined
    }
  }
}

/**
 * Reads the event annotation of a schema.
 *
 * @since 0.1.0
 * @category annotations
 */
export const eventSpec = (schema: Schema.Constraint): EventSpec | undefined =>
  Schema.resolveAnnotations(schema)?.["gastown-otel/event"]

/**
 * Reads the field annotation of a field schema (an `optionalKey` keeps it).
 *
 * @since 0.1.0
 * @category annotations
 */
export const fieldSpec = (schema: Schema.Constraint): FieldSpec =>
  Schema.resolveAnnotations(schema)?.["gastown-otel/field"] ?? {}
