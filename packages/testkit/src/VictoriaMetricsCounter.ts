// VictoriaMetrics' counter semantics, for checking what was pushed: timestamps are stored
// in whole milliseconds, samples of one series are ordered by timestamp, samples with equal
// timestamps are one sample (deduplication),
// a drop is a counter reset, and a series that starts inside the window counts from 0.

export interface Sample {
  readonly timeUnixNano: bigint
  readonly value: number
}

/** Orders and deduplicates the samples of one series as VictoriaMetrics stores them. */
export const stored = (samples: ReadonlyArray<Sample>): ReadonlyArray<Sample> => {
  const byTime = new Map<bigint, Sample>()
  for (const s of samples) {
    const ms = s.timeUnixNano / 1_000_000n
    byTime.set(ms, { timeUnixNano: ms * 1_000_000n, value: s.value })
  }
  return [...byTime.values()].toSorted((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : 1))
}

/** `increase()` over all the samples of one series. */
export const increase = (samples: ReadonlyArray<Sample>): number => {
  let total = 0
  let previous = 0
  for (const s of stored(samples)) {
    total += s.value >= previous ? s.value - previous : s.value
    previous = s.value
  }
  return total
}
