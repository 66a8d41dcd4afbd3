/**
 * Who is doing what: per rig, role and agent, the bd calls gt made (and how many failed), the
 * Claude sessions started, the records with an error severity, and the last activity, from
 * the log records of a time range. The first question a Gas Town user asks.
 *
 * @since 0.1.0
 */
import { Annotations, type Derive, GtEvents } from "@gastown-otel/schema"
import type { LogSource } from "../logs/LogRow.ts"
import type * as Api from "../page/Api.ts"
import type { LabelFilter } from "../traces/TraceView.ts"

const eventName = (schema: Parameters<typeof Annotations.eventSpec>[0]): string => {
  const spec = Annotations.eventSpec(schema)
  if (spec === undefined) throw new Error("not a catalogue event")
  return spec.name
}

const bdCall = eventName(GtEvents.BdCall)
const sessionStart = eventName(GtEvents.SessionStart)
const error: Derive.Severity = "ERROR"

/**
 * The field names VictoriaLogs gives a record's body and severity.
 *
 * @since 0.1.0
 * @category constants
 */
export const logFields = { message: "_msg", severity: "severity" } as const

interface Tally {
  readonly labels: Record<string, string>
  bdCalls: number
  bdErrors: number
  sessions: number
  errors: number
  records: number
  lastNs: bigint
  lastEvent: string
}

/**
 * The agents active between `startNs` and `endNs` whose records pass `filter`, grouped by
 * the labels `labelKeys` (variable name → record field, e.g. `rig` → `gt.rig`; "" when a
 * record has none), the most recently active first.
 *
 * @since 0.1.0
 * @category agents
 */
export const agents = (
  logs: LogSource,
  options: {
    readonly startNs: bigint
    readonly endNs: bigint
    readonly filter: LabelFilter
    readonly labelKeys: Readonly<Record<string, string>>
  }
): ReadonlyArray<Api.Agent> => {
  const names = Object.entries(options.labelKeys)
  const tallies = new Map<string, Tally>()
  // Rows come newest first: the first row of a group is its last activity.
  logs.scan({ startNs: options.startNs, endNs: options.endNs }, (row) => {
    const f = row.fields
    if (!options.filter.every((x) => x.test(f[x.key] ?? ""))) return true
    const values = names.map(([, key]) => f[key] ?? "")
    const id = JSON.stringify(values)
    let tally = tallies.get(id)
    if (tally === undefined) {
      tally = {
        labels: Object.fromEntries(names.map(([name], i) => [name, values[i]!])),
        bdCalls: 0,
        bdErrors: 0,
        sessions: 0,
        errors: 0,
        records: 0,
        lastNs: row.timeNs,
        lastEvent: f[logFields.message] ?? ""
      }
      tallies.set(id, tally)
    }
    const failed = f[logFields.severity] === error
    tally.records++
    if (failed) tally.errors++
    if (f[logFields.message] === bdCall) {
      tally.bdCalls++
      if (failed) tally.bdErrors++
    }
    if (f[logFields.message] === sessionStart) tally.sessions++
    return true
  })
  return [...tallies.values()].map(({ lastNs, ...t }) => ({ ...t, lastNs: String(lastNs) }))
}
