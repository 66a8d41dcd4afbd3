/**
 * W3C `traceparent` in and out, so a bd subprocess's spans join the trace of the gt
 * command that ran it.
 *
 * @since 0.1.0
 */
import { Config, Effect, Option, Tracer } from "effect"

const pattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/**
 * Parses a `traceparent` header value; `undefined` when absent or malformed (a bad
 * value from a parent must not break the child).
 *
 * @since 0.1.0
 * @category tracing
 */
export const parse = (traceparent: string | undefined): Tracer.ExternalSpan | undefined => {
  const match = traceparent === undefined ? null : pattern.exec(traceparent.trim().toLowerCase())
  if (match === null || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined
  return Tracer.externalSpan({
    traceId: match[1]!,
    spanId: match[2]!,
    sampled: (parseInt(match[3]!, 16) & 1) === 1
  })
}

/**
 * Formats a span as a `traceparent` value.
 *
 * @since 0.1.0
 * @category tracing
 */
export const format = (span: Tracer.AnySpan): string =>
  `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/**
 * The `traceparent` of the current span, if any.
 *
 * @since 0.1.0
 * @category tracing
 */
export const current: Effect.Effect<string | undefined> = Effect.currentParentSpan.pipe(
  Effect.map(format),
  Effect.orElseSucceed(() => undefined)
)

/**
 * Runs `effect` as a child of the span a `traceparent` names (no-op when it is absent).
 *
 * @since 0.1.0
 * @category tracing
 */
export const continueFrom =
  (traceparent: string | undefined) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const parent = parse(traceparent)
    return parent === undefined ? effect : Effect.withParentSpan(effect, parent)
  }

// A malformed or unreadable value must not stop the program: it is ignored.
const fromEnvironment: Effect.Effect<string | undefined> = Config.option(Config.String("TRACEPARENT")).pipe(
  Effect.map(Option.getOrUndefined),
  Effect.orElseSucceed(() => undefined)
)

/**
 * Runs `effect` as a child of the span named by the `TRACEPARENT` environment variable
 * (read through `Config`), as a subprocess of a traced parent should.
 *
 * @since 0.1.0
 * @category tracing
 */
export const continueFromEnvironment = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(fromEnvironment, (traceparent) => continueFrom(traceparent)(effect))
