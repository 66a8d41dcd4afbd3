/**
 * The typed error of the PromQL engine and its HTTP API: a query that does not parse, uses
 * a construct the engine does not implement, fails while evaluating, or an HTTP parameter
 * that cannot be read.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Why a query or request was refused.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literals(["Syntax", "Unsupported", "Evaluation", "BadParameter"])

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * A refused query. The message names the input: the position of a syntax error, the
 * construct that is not supported (`unsupported function "predict_linear"`), the parameter
 * that cannot be parsed.
 *
 * @since 0.1.0
 * @category errors
 */
export class PromqlError extends Schema.TaggedError<PromqlError>()("PromqlError", {
  reason: Reason,
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * Shorthands for raising a {@link PromqlError} from synchronous evaluation code.
 *
 * @since 0.1.0
 * @category constructors
 */
export const syntax = (detail: string): PromqlError => new PromqlError({ reason: "Syntax", detail })

/**
 * @since 0.1.0
 * @category constructors
 */
export const unsupported = (detail: string): PromqlError => new PromqlError({ reason: "Unsupported", detail })

/**
 * @since 0.1.0
 * @category constructors
 */
export const evaluation = (detail: string): PromqlError => new PromqlError({ reason: "Evaluation", detail })

/**
 * @since 0.1.0
 * @category constructors
 */
export const badParameter = (detail: string): PromqlError => new PromqlError({ reason: "BadParameter", detail })
