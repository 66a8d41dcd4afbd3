// Sending one spooled request by the OTLP/HTTP exporter rules: 2xx is done; 429, 502, 503
// and 504 (and transport failures) are retried with exponential backoff or the server's
// Retry-After; any other status is permanent and the request is dropped. Except an answer
// that refuses the credentials (401, 403, 407): the request is sound, the sender's
// configuration is not, so it waits for a process whose credentials work.
import { Effect } from "effect"
import { type Agents, type Outcome, post } from "./Http.ts"

export type Result = "sent" | "rejected" | "unauthorized" | "unavailable"

/** What sending came to, and the last answer in words: `answered HTTP 503`, `is unreachable (connect ECONNREFUSED …)`. */
export interface Attempt {
  readonly result: Result
  readonly answer: string
}

const retryable = new Set([429, 502, 503, 504])
const unauthorized = new Set([401, 403, 407])

const classify = (outcome: Outcome): Attempt => {
  if (outcome._tag === "TransportError") return { result: "unavailable", answer: `is unreachable (${outcome.message})` }
  const answer = `answered HTTP ${outcome.status}`
  if (outcome.status >= 200 && outcome.status < 300) return { result: "sent", answer }
  if (unauthorized.has(outcome.status)) return { result: "unauthorized", answer }
  return { result: retryable.has(outcome.status) ? "unavailable" : "rejected", answer }
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
): Effect.Effect<Attempt> => {
  const attempt = (n: number): Effect.Effect<Attempt> =>
    post(agents, url, body, headers).pipe(
      Effect.timeoutOrElse({
        duration: policy.timeoutMs,
        orElse: () =>
          Effect.succeed<Outcome>({ _tag: "TransportError", message: `no answer within ${policy.timeoutMs} ms` })
      }),
      Effect.flatMap((outcome) => {
        const classified = classify(outcome)
        if (classified.result !== "unavailable" || n + 1 >= policy.attempts) return Effect.succeed(classified)
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) * (0.5 + Math.random() / 2)
        const asked = outcome._tag === "Response" ? outcome.retryAfterMs : undefined
        return Effect.sleep(Math.min(policy.maxDelayMs, asked ?? backoff)).pipe(Effect.andThen(attempt(n + 1)))
      })
    )
  return attempt(0)
}
