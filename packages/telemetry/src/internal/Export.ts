// Sending one spooled request by the OTLP/HTTP exporter rules: 2xx is done; 429, 502, 503
// and 504 (and transport failures) are retried with exponential backoff or the server's
// Retry-After; any other status is permanent and the request is dropped.
import { Effect } from "effect"
import { type Agents, type Outcome, post } from "./Http.ts"

export type Result = "sent" | "rejected" | "unavailable"

const retryable = new Set([429, 502, 503, 504])

const classify = (outcome: Outcome): Result => {
  if (outcome._tag === "TransportError") return "unavailable"
  if (outcome.status >= 200 && outcome.status < 300) return "sent"
  return retryable.has(outcome.status) ? "unavailable" : "rejected"
}

export interface RetryPolicy {
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly timeoutMs: number
}

export const send = (
  agents: Agents,
  url: URL,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
  policy: RetryPolicy
): Effect.Effect<Result> => {
  const attempt = (n: number): Effect.Effect<Result> =>
    post(agents, url, body, headers).pipe(
      Effect.timeoutOrElse({
        duration: policy.timeoutMs,
        orElse: () => Effect.succeed<Outcome>({ _tag: "TransportError", message: "timed out" })
      }),
      Effect.flatMap((outcome) => {
        const result = classify(outcome)
        if (result !== "unavailable" || n + 1 >= policy.attempts) return Effect.succeed(result)
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) * (0.5 + Math.random() / 2)
        const asked = outcome._tag === "Response" ? outcome.retryAfterMs : undefined
        return Effect.sleep(Math.min(policy.maxDelayMs, asked ?? backoff)).pipe(Effect.andThen(attempt(n + 1)))
      })
    )
  return attempt(0)
}
