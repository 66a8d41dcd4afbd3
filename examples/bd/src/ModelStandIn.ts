/**
 * A stand-in for the model API `bd compact --ai` would call: no network, a latency and
 * token counts derived from the input (the same issue always costs the same), and a
 * `bd.ai.request` event per call as a real client would record.
 */
import { Outcome, Telemetry } from "@gastown-otel/telemetry"
import { Effect, Exit } from "effect"

/**
 * The model that is pretended to.
 */
export const name = "claude-haiku-4-5"

/**
 * A summary and what it cost.
 */
export interface Completion {
  readonly text: string
  readonly input_tokens: number
  readonly output_tokens: number
}

const instructions = "Summarize this closed issue in one sentence for the project history."

// About four bytes a token, as for English text with real tokenizers.
const tokens = (text: string) => Math.ceil(Buffer.byteLength(text) / 4)

// FNV-1a: a stable spread of the input over a few milliseconds of "latency".
const hash = (text: string) => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const firstSentence = (text: string) => {
  const sentence = /^[^.!?\n]*[.!?]?/.exec(text.trim())?.[0] ?? ""
  return sentence.length > 120 ? `${sentence.slice(0, 119)}…` : sentence
}

/**
 * Summarizes an issue (its title and description).
 */
export const summarize = Effect.fn("Model.summarize")(
  function* (title: string, description: string) {
    const prompt = `${instructions}\n\n${title}\n\n${description}`
    yield* Effect.sleep(2 + (hash(prompt) % 7))
    const text = `${title}: ${firstSentence(description) || "done"}`
    return { text, input_tokens: tokens(prompt), output_tokens: tokens(text) } satisfies Completion
  },
  Outcome.measured((outcome, exit) => {
    const usage = Exit.isSuccess(exit) ? exit.value : { input_tokens: 0, output_tokens: 0 }
    return Telemetry.emit({
      _tag: "bd.ai.request",
      model: name,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      ...outcome
    })
  })
)
