// The cardinality guard: an open-ended label (a bd subcommand, a model name) keeps at most
// its catalogue cap of distinct values per process; later values fold into `other`, and
// every fold is counted. A typo'd subcommand loop cannot grow a backend's series count.
import type { Derive } from "@gastown-otel/schema"

export const folded = "other"

export type LabelGuard = (update: Derive.MetricUpdate) => Derive.MetricUpdate

export const make = (onFold: () => void): LabelGuard => {
  const seen = new Map<string, Set<string>>()
  return (update) => {
    const limits = update.metric.labelMaxValues
    let values: Array<string | undefined> | undefined
    for (let i = 0; i < limits.length; i++) {
      const limit = limits[i]
      const value = update.labelValues[i]
      if (limit === undefined || value === undefined) continue
      const key = `${update.metric.name}\u0000${i}`
      let known = seen.get(key)
      if (known === undefined) seen.set(key, (known = new Set()))
      if (known.has(value)) continue
      if (known.size < limit) {
        known.add(value)
        continue
      }
      values ??= [...update.labelValues]
      values[i] = folded
      onFold()
    }
    return values === undefined ? update : { ...update, labelValues: values }
  }
}
