// What a series has accumulated: the running sum of a counter (or a gauge's last value)
// and a histogram's count, sum, extremes and buckets. Deltas, per-process totals and
// host-wide totals all have this shape and add up the same way.

export interface Tally {
  value: number
  count: number
  sum: number
  min: number
  max: number
  readonly buckets: Array<number>
}

export const empty = (buckets: number): Tally => ({
  value: 0,
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity,
  buckets: Array.from({ length: buckets }, () => 0)
})

/** Adds `delta` into `into`; a gauge's value is replaced, not added. */
export const add = (into: Tally, delta: Tally, gauge: boolean): void => {
  into.value = gauge ? delta.value : into.value + delta.value
  into.count += delta.count
  into.sum += delta.sum
  into.min = Math.min(into.min, delta.min)
  into.max = Math.max(into.max, delta.max)
  delta.buckets.forEach((n, i) => (into.buckets[i]! += n))
}

/** Starts `acc` over (a delta after it was drained); `keepValue` for a gauge's last value. */
export const reset = (acc: Tally, keepValue: boolean): void => {
  if (!keepValue) acc.value = 0
  acc.count = 0
  acc.sum = 0
  acc.min = Infinity
  acc.max = -Infinity
  acc.buckets.fill(0)
}

/** The JSON form: extremes that were never set (±Infinity) are `null`. */
export interface Stored {
  readonly value: number
  readonly count: number
  readonly sum: number
  readonly min: number | null
  readonly max: number | null
  readonly buckets: ReadonlyArray<number>
}

export const toStored = (acc: Tally): Stored => ({
  value: acc.value,
  count: acc.count,
  sum: acc.sum,
  min: Number.isFinite(acc.min) ? acc.min : null,
  max: Number.isFinite(acc.max) ? acc.max : null,
  buckets: acc.buckets
})

export const fromStored = (stored: Stored): Tally => ({
  value: stored.value,
  count: stored.count,
  sum: stored.sum,
  min: stored.min ?? Infinity,
  max: stored.max ?? -Infinity,
  buckets: [...stored.buckets]
})
