/**
 * The correlation labels read as gt's own context: the rig and role this process acts for.
 *
 * @since 0.1.0
 */
import { GtContext } from "@gastown-otel/schema"
import { Labels } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { GtError } from "./GtError.ts"

/**
 * A label the command needs, e.g. the rig a polecat is spawned in; fails naming the
 * variable to set when it is absent.
 *
 * @since 0.1.0
 */
export const required = Effect.fnUntraced(function* (key: GtContext.Key) {
  const value = (yield* Labels.CurrentLabels)[key]
  if (value !== undefined) return value
  const variables = GtContext.labels.find((label) => label.key === key)?.env ?? []
  return yield* new GtError({ message: `no ${key}: set ${variables.join(" or ")}` })
})
