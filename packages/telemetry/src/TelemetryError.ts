/**
 * Typed errors of the telemetry package.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * An event that does not match its catalogue schema. Raised as a defect in strict mode
 * (`GT_OTEL_STRICT=1`, tests); otherwise the event is counted and dropped.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEvent extends Schema.TaggedError<InvalidEvent>()("InvalidEvent", {
  event: Schema.String,
  issue: Schema.String
}) {
  override get message(): string {
    return `invalid ${this.event} event: ${this.issue}`
  }
}
