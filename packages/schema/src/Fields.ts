/**
 * Field schemas shared by the events, each annotated with how it is exported.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { FieldSpec } from "./Annotations.ts"

const field = <S extends Schema.Top>(schema: S, spec: FieldSpec) =>
  schema.annotate({ "gastown-otel/field": spec } as Schema.Annotations.Bottom<S["Type"], S["~type.parameters"]>)

/**
 * The status of an operation, `ok` or `error`. It sets the log record's severity (ERROR on `error`).
 *
 * @since 0.1.0
 * @category fields
 */
export const Status = field(Schema.Literals(["ok", "error"]), { status: true })

/**
 * A label value from an open set (a bd subcommand, a model name): allowed as a
 * metric label because the exporter folds values past `maxValues` into `other`, and
 * cuts absurdly long ones.
 *
 * @since 0.1.0
 * @category fields
 */
export const OpenLabel = (maxValues: number) => field(Schema.NonEmptyString, { maxValues, truncateBytes: 128 })

/**
 * Free text exported on log records only, cut to `truncateBytes` UTF-8 bytes and
 * optionally redacted.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Text = (spec: { readonly truncateBytes: number; readonly redact?: boolean; readonly content?: boolean }) =>
  field(Schema.String, spec)

/**
 * A short identifier (session, bead, agent name): kept whole unless absurdly long, and
 * redacted like free text, since it comes from a command line too.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Id = Text({ truncateBytes: 256, redact: true })

/**
 * A duration in milliseconds, fractional allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Milliseconds = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * A non-negative whole number (lengths, counts, tokens).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Count = Schema.Natural

/**
 * The message of a failed operation, carried as the `error` log attribute.
 *
 * @since 0.1.0
 * @category fields
 */
export const ErrorMessage = Schema.optionalKey(Text({ truncateBytes: 1024, redact: true }))
