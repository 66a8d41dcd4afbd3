/**
 * The one failure family of the store. `reason` is exported as `error_kind` on
 * `bd.storage.error`, so it stays a short, bounded word.
 */
import { type PlatformError, Schema } from "effect"
import { CliError } from "effect/cli"

/**
 * Why a storage operation failed.
 */
export const Reason = Schema.Literals(["not_found", "locked", "corrupt", "io"])

/**
 * A failed storage operation, with a message for people (printed by the CLI on stderr).
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  reason: Reason,
  message: Schema.String
}) {
  // effect/cli prints errors that carry a user message instead of a stack trace.
  override get [CliError.userMessage](): string {
    return this.message
  }
}

/**
 * A file-system failure as a store failure.
 */
export const io = (error: PlatformError.PlatformError): StoreError =>
  new StoreError({ reason: "io", message: error.message })
