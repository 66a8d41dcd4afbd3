/**
 * Issues per status, recorded as the `bd.issue_count` gauge: every status each time,
 * zero included, so a status that empties drops to 0 instead of keeping its last value.
 */
import { BdEvents } from "@gastown-otel/schema"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect } from "effect"
import type * as Db from "./Db.ts"

/**
 * A count for every status.
 */
export type Counts = { readonly [S in typeof BdEvents.IssueStatus.Type]: number }

/**
 * Counts `issues` by status.
 */
export const count = (issues: ReadonlyArray<Db.Issue>): Counts => {
  const counts = Object.fromEntries(BdEvents.IssueStatus.literals.map((status) => [status, 0])) as Record<
    keyof Counts,
    number
  >
  for (const issue of issues) counts[issue.status]++
  return counts
}

/**
 * Records one gauge point per status.
 */
export const record = (counts: Counts): Effect.Effect<void, never, Telemetry.Telemetry> =>
  Effect.forEach(
    BdEvents.IssueStatus.literals,
    (status) => Telemetry.emit({ _tag: "bd.issue_count", status, count: counts[status] }),
    { discard: true }
  )
