/**
 * A {@link SampleSource} over series held in memory, for tests and benchmarks (the
 * receiver's store is the real one). Samples are binary-searched per request.
 *
 * @since 0.1.0
 */
import type { Labels, Matcher, SampleSource, SeriesSamples } from "../metrics/Series.ts"
import { compileAll } from "./Matchers.ts"

const firstAtOrAfter = (timestamps: ArrayLike<number>, t: number): number => {
  let lo = 0
  let hi = timestamps.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (timestamps[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

const within = (s: SeriesSamples, startMs: number, endMs: number) => {
  const from = firstAtOrAfter(s.timestamps, startMs)
  const to = firstAtOrAfter(s.timestamps, endMs + 1)
  return { from, to }
}

const slice = (a: ArrayLike<number>, from: number, to: number): ArrayLike<number> =>
  a instanceof Float64Array ? a.subarray(from, to) : Array.prototype.slice.call(a, from, to)

/**
 * A source over the given series (timestamps strictly increasing, as {@link SeriesSamples}
 * requires).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (series: ReadonlyArray<SeriesSamples>): SampleSource => {
  const matching = (matchers: ReadonlyArray<Matcher>) => {
    const matches = compileAll(matchers)
    return series.filter((s) => matches(s.labels))
  }
  return {
    select: (matchers, startMs, endMs) =>
      matching(matchers).flatMap((s) => {
        const { from, to } = within(s, startMs, endMs)
        if (from === to) return []
        return [{ labels: s.labels, timestamps: slice(s.timestamps, from, to), values: slice(s.values, from, to) }]
      }),
    series: (matchers, startMs, endMs) =>
      matching(matchers).flatMap((s): ReadonlyArray<Labels> => {
        const { from, to } = within(s, startMs, endMs)
        return from === to ? [] : [s.labels]
      })
  }
}
