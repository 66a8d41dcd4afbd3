// Delivering one encoded request by the OTLP/HTTP exporter rules: 2xx is done; 429, 502, 503
// and 504 (and transport failures) are retried with jittered exponential backoff, or after the
// server's Retry-After; any other status is permanent and the request is dropped.
import { Data, Duration, Effect, Schedule } from "effect"
import { type Connections, post, type Response } from "./Http.ts"

export type Delivery = "sent" | "rejected" | "unavailable"

export interface RetryPolicy {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly timeoutMs: number
}

// A failure worth another attempt, with the delay the server asked for, if any.
class Unavailable extends Data.TaggedError("Unavailable")<{ readonly retryAfterMs: number | undefined }> {}

const retryable = new Set([429, 502, 503, 504])

const classify = (response: Response): Effect.Effect<Delivery, Unavailable> => {
  if (response._tag === "TransportError") return Effect.fail(new Unavailable({ retryAfterMs: undefined }))
  if (response.status >= 200 && response.status < 300) return Effect.succeed("sent")
  return retryable.has(response.status)
    ? Effect.fail(new Unavailable({ retryAfterMs: response.retryAfterMs }))
    : Effect.succeed("rejected")
}

const retrySchedule = (policy: RetryPolicy) =>
  Schedule.exponential(Duration.millis(policy.baseDelayMs)).pipe(
    Schedule.jittered,
    Schedule.setInputType<Unavailable>(),
    // The server's Retry-After wins over the backoff; neither waits past the cap.
    Schedule.modifyDelay(({ duration, input }) =>
      Effect.succeed(Duration.millis(Math.min(policy.maxDelayMs, input.retryAfterMs ?? Duration.toMillis(duration))))
    )
  )

export const deliver = (
  connections: Connections,
  url: URL,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
  policy: RetryPolicy
): Effect.Effect<Delivery> =>
  post(connections, url, body, headers).pipe(
    Effect.timeoutOrElse({
      duration: policy.timeoutMs,
      orElse: () => Effect.succeed<Response>({ _tag: "TransportError", message: "timed out" })
    }),
    Effect.flatMap(classify),
    Effect.retry({ schedule: retrySchedule(policy), times: policy.attempts - 1 }),
    Effect.catchTag("Unavailable", () => Effect.succeed<Delivery>("unavailable"))
  )
