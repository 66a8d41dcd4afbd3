/**
 * The gt.* correlation labels in force for a region of work. Set once (from the
 * environment, by the layer) and narrowed with {@link withLabels}; every metric point,
 * log record and span beneath carries them, forked fibers included.
 *
 * @since 0.1.0
 */
import type { Correlation } from "@gastown-otel/schema"
import { Context, Effect, Function, Layer } from "effect"

/**
 * The labels of the current fiber; empty unless a layer or {@link withLabels} set them.
 *
 * @since 0.1.0
 * @category references
 */
export const Current = Context.Reference<Correlation.Labels>("@gastown-otel/telemetry/Labels/Current", {
  defaultValue: () => ({})
})

/**
 * Runs `effect` with `labels` merged over the current ones: the innermost value of a
 * key wins. Fibers forked inside inherit them.
 *
 * @since 0.1.0
 * @category combinators
 * @example
 * ```ts
 * program.pipe(Labels.withLabels({ "gt.rig": "mol", "gt.agent": "jana" }))
 * ```
 */
export const withLabels: {
  (labels: Correlation.Labels): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, labels: Correlation.Labels): Effect.Effect<A, E, R>
} = Function.dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, labels: Correlation.Labels): Effect.Effect<A, E, R> =>
  Effect.withFiber((fiber) => Effect.provideService(self, Current, { ...fiber.getRef(Current), ...labels }))
)

/**
 * Options of {@link withSpan}.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanOptions {
  /** Attributes beside the labels. */
  readonly attributes?: Record<string, unknown> | undefined
}

/**
 * Runs `effect` in a span whose attributes are the current labels (plus `attributes`), so
 * traces can be filtered by rig, role or agent like metrics and logs.
 *
 * @since 0.1.0
 * @category combinators
 * @example
 * ```ts
 * work.pipe(Labels.withSpan("gt sling"))
 * ```
 */
export const withSpan: {
  (name: string, options?: SpanOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, name: string, options?: SpanOptions): Effect.Effect<A, E, R>
} = Function.dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, name: string, options?: SpanOptions): Effect.Effect<A, E, R> =>
    Effect.withFiber((fiber) =>
      Effect.withSpan(self, name, { attributes: { ...fiber.getRef(Current), ...options?.attributes } })
    )
)

/**
 * Sets the labels for everything run with this layer (no-op for `undefined`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (labels: Correlation.Labels | undefined): Layer.Layer<never> =>
  labels === undefined ? Layer.empty : Layer.succeed(Current, labels)
