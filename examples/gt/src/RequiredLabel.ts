/**
 * The correlation labels read as gt's own context: the rig and role this process acts for.
 */
import { Correlation } from "@gastown-otel/schema"
import { Labels } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import { GtError } from "./GtError.ts"

/**
 * A label the command needs, e.g. the rig a polecat is spawned in; fails naming the
 * variable to set when it is absent.
 */
export const required = Effect.fnUntraced(function* (key: Correlation.Key) {
  const value = (yield* Labels.Current)[key]
  if (value !== undefined) return value
  const variables = Correlation.definitions.find((label) => label.key === key)?.env ?? []
  return yield* new GtError({ message: `no ${key}: set ${variables.join(" or ")}` })
})
