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
  return (updates) => {
    let folds = 0
    const out = updates.map((update) => {
      const { labelKeys, labelMaxValues } = update.metric
      let values: Array<string | undefined> | undefined
      for (let i = 0; i < labelMaxValues.length; i++) {
        const limit = labelMaxValues[i]
        const value = update.labelValues[i]
        if (limit === undefined || value === undefined) continue
        const key = `${update.metric.event}\u0000${labelKeys[i]}`
        let known = seen.get(key)
        if (known === undefined) seen.set(key, (known = new Set()))
        if (known.has(value)) continue
        if (known.size < limit) {
          known.add(value)
          continue
        }
        values ??= [...update.labelValues]
        values[i] = folded
        folds++
      }
      return values === undefined ? update : { ...update, labelValues: values }
    })
    // One event folds once, however many of its metrics carry the label.
    if (folds > 0) onFold()
    return out
  }
}
