/**
 * The gt.* correlation labels in force for a region of work. Set once (from the
 * environment, by the layer) and narrowed with {@link withLabels}; every metric point,
 * log record and span beneath carries them, forked fibers included.
 *
 * @since 0.1.0
 */
import type { GtContext } from "@gastown-otel/schema"
import { Context, Effect, Layer } from "effect"

/**
 * The labels of the current fiber; empty unless a layer or {@link withLabels} set them.
 *
 * @since 0.1.0
 */
export const CurrentLabels = Context.Reference<GtContext.GtContext>("@gastown-otel/telemetry/CurrentLabels", {
  defaultValue: () => ({})
})

/**
 * Runs `effect` with `labels` merged over the current ones: the innermost value of a
 * key wins. Fibers forked inside inherit them.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * program.pipe(Labels.withLabels({ "gt.rig": "mol", "gt.agent": "jana" }))
 * ```
 */
export const withLabels: {
  (labels: GtContext.GtContext): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, labels: GtContext.GtContext): Effect.Effect<A, E, R>
} = ((...args: Array<unknown>) => {
  if (args.length === 1) return (effect: Effect.Effect<unknown>) => narrow(effect, args[0] as GtContext.GtContext)
  return narrow(args[0] as Effect.Effect<unknown>, args[1] as GtContext.GtContext)
}) as never

const narrow = <A, E, R>(effect: Effect.Effect<A, E, R>, labels: GtContext.GtContext) =>
  Effect.withFiber((fiber) =>
    Effect.provideService(effect, CurrentLabels, { ...fiber.getRef(CurrentLabels), ...labels })
  )

/**
 * A span whose attributes are the current labels (plus `attributes`), so traces can be
 * filtered by rig, role or agent like metrics and logs.
 *
 * @since 0.1.0
 */
export const withSpan =
  (name: string, options?: { readonly attributes?: Record<string, unknown> | undefined }) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiber((fiber) =>
      Effect.withSpan(effect, name, { attributes: { ...fiber.getRef(CurrentLabels), ...options?.attributes } })
    )

/**
 * Sets the labels for everything run with this layer (no-op for `undefined`).
 *
 * @since 0.1.0
 */
export const layer = (labels: GtContext.GtContext | undefined): Layer.Layer<never> =>
  labels === undefined ? Layer.empty : Layer.succeed(CurrentLabels, labels)
