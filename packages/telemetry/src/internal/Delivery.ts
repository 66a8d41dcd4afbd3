// Delivering one encoded request by the OTLP/HTTP exporter rules: 2xx is done; 429, 502, 503
// and 504 (and transport failures) are retried with jittered exponential backoff, or after the
// server's Retry-After; any other status is permanent and the request is dropped. Except an
// answer that refuses the credentials (401, 403, 407): the request is sound, the sender's
// configuration is not, so it waits for a process whose credentials work.
import { Data, Duration, Effect, Schedule } from "effect"
import { type Connections, post, type Response } from "./Http.ts"

export type Result = "sent" | "rejected" | "unauthorized" | "unavailable"

/** What delivering came to, and the last answer in words: `answered HTTP 503`, `is unreachable (…)`. */
export interface Delivery {
  readonly result: Result
  readonly answer: string
}

export interface RetryPolicy {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly timeoutMs: number
}

// A failure worth another attempt, with the delay the server asked for, if any.
class Unavailable extends Data.TaggedError("Unavailable")<{
  readonly answer: string
  readonly retryAfterMs: number | undefined
}> {}

const retryable = new Set([429, 502, 503, 504])
const unauthorized = new Set([401, 403, 407])

const classify = (response: Response): Effect.Effect<Delivery, Unavailable> => {
  if (response._tag === "TransportError") {
    return Effect.fail(new Unavailable({ answer: `is unreachable (${response.message})`, retryAfterMs: undefined }))
  }
  const answer = `answered HTTP ${response.status}`
  if (response.status >= 200 && response.status < 300) return Effect.succeed({ result: "sent", answer })
  if (unauthorized.has(response.status)) return Effect.succeed({ result: "unauthorized", answer })
  return retryable.has(response.status)
    ? Effect.fail(new Unavailable({ answer, retryAfterMs: response.retryAfterMs }))
    : Effect.succeed({ result: "rejected", answer })
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
      orElse: () =>
        Effect.succeed<Response>({ _tag: "TransportError", message: `no answer within ${policy.timeoutMs} ms` })
    }),
    Effect.flatMap(classify),
    Effect.retry({ schedule: retrySchedule(policy), times: policy.attempts - 1 }),
    Effect.catchTag("Unavailable", ({ answer }) => Effect.succeed<Delivery>({ result: "unavailable", answer }))
  )
