/**
 * `gt flush`: sends what earlier commands left in the telemetry spool (the backend was
 * down or slow when they exited), without the exit budget that bounds every other command,
 * and says what it did. It fails (exit 1) when something could not be sent; telemetry off
 * is no failure: there is nothing to send.
 */
import { Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { GtError } from "../GtError.ts"

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`

const why = (unsent: ReadonlyArray<Telemetry.Unsent>) =>
  unsent.map((u) => `${u.reason} (${count(u.requests, "request")}, ${count(u.records, "record")})`).join("; ")

const total = (unsent: ReadonlyArray<Telemetry.Unsent>) => unsent.reduce((n, u) => n + u.requests, 0)

const offReason = (reason: TelemetryConfig.OffReason) =>
  reason === "not-configured"
    ? `no ${TelemetryConfig.urlVariables("gt").metrics} or ${TelemetryConfig.urlVariables("gt").logs}`
    : reason === "sdk-disabled"
      ? "OTEL_SDK_DISABLED=true"
      : reason.message

export const flush = Command.make("flush", {}, () =>
  Effect.gen(function* () {
    const report = yield* Telemetry.flushReport
    if (report._tag === "Off") {
      const config = yield* Telemetry.ActiveConfig
      return yield* Console.log(
        `telemetry is off (${config._tag === "Off" ? offReason(config.reason) : "not configured"}): nothing to send`
      )
    }
    if (report._tag === "Delegated") return yield* Console.log("flushed through the application's OpenTelemetry SDK")
    // Whatever earlier commands spooled is out of reach: that is no success.
    if (!report.spool) {
      const config = yield* Telemetry.ActiveConfig
      const dir = config._tag === "On" ? ` ${config.stateDir}` : ""
      return yield* new GtError({
        message: `no spool to send from: the state directory${dir} cannot be used (GT_OTEL_STATE_DIR chooses another)`
      })
    }
    const parts = [
      `sent ${count(report.sent.requests, "request")} (${count(report.sent.records, "record")})`,
      report.spooled.length > 0 ? `${total(report.spooled)} still spooled: ${why(report.spooled)}` : undefined,
      report.dropped.length > 0 ? `${total(report.dropped)} dropped: ${why(report.dropped)}` : undefined,
      report.spooled.length === 0 && report.dropped.length === 0 ? "nothing left to send" : undefined
    ]
    const elsewhere =
      report.elsewhere > 0
        ? `; ${count(report.elsewhere, "more request")} wait for endpoints gt is not configured for`
        : ""
    const line = parts.filter((p) => p !== undefined).join(", ") + elsewhere
    if (report.spooled.length > 0 || report.dropped.length > 0) return yield* new GtError({ message: line })
    yield* Console.log(line)
  })
).pipe(Command.withDescription("Send the telemetry that earlier commands could not send, and say what happened"))
