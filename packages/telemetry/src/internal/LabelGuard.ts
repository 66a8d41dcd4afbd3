// The cardinality guard: an open-ended label (a bd subcommand, a model name) keeps at most
// its catalogue cap of distinct values per process; later values fold into `other`, and
// every folded event is counted once. A typo'd subcommand loop cannot grow a backend's
// series count.
import type { Derive } from "@gastown-otel/schema"

export const folded = "other"

/** Applies the guard to the metric updates of one event. */
export type LabelGuard = (updates: ReadonlyArray<Derive.MetricUpdate>) => ReadonlyArray<Derive.MetricUpdate>

export const make = (onFold: () => void): LabelGuard => {
  // Distinct values per event and label key: an event's metrics share their labels.
  const seen = new Map<string, Set<string>>()
  // Per metric, the set each capped label index uses; resolved once per metric.
  const setsOf = new Map<Derive.MetricUpdate["metric"], ReadonlyArray<Set<string> | undefined>>()
  const sets = (metric: Derive.MetricUpdate["metric"]) => {
    let found = setsOf.get(metric)
    if (found === undefined) {
      found = metric.labelMaxValues.map((limit, i) => {
        if (limit === undefined) return undefined
        const key = `${metric.event}\u0000${metric.labelKeys[i]}`
        let set = seen.get(key)
        if (set === undefined) seen.set(key, (set = new Set()))
        return set
      })
      setsOf.set(metric, found)
    }
    return found
  }
  // The update with capped values past their cap folded, or `undefined` when none is.
  const fold = (update: Derive.MetricUpdate): Derive.MetricUpdate | undefined => {
    const { labelMaxValues } = update.metric
    const known = sets(update.metric)
    let values: Array<string | undefined> | undefined
    for (let i = 0; i < labelMaxValues.length; i++) {
      const limit = labelMaxValues[i]
      const value = update.labelValues[i]
      const set = known[i]
      if (limit === undefined || value === undefined || set === undefined) continue
      if (set.has(value)) continue
      if (set.size < limit) {
        set.add(value)
        continue
      }
      values ??= [...update.labelValues]
      values[i] = folded
    }
    return values === undefined ? undefined : { ...update, labelValues: values }
  }
  return (updates) => {
    // Copied only when something folds: the common event passes through as it came.
    let out: Array<Derive.MetricUpdate> | undefined
    for (let i = 0; i < updates.length; i++) {
      const changed = fold(updates[i]!)
      if (changed === undefined) continue
      out ??= [...updates]
      out[i] = changed
    }
    // One event folds once, however many of its metrics carry the label.
    if (out !== undefined) onFold()
    return out ?? updates
  }
}
