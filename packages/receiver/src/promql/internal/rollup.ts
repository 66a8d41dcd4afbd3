// Rollup functions (`rate`, `increase`, `*_over_time`, the implicit last-value lookup of
// a bare selector) over the samples of one series, evaluated at every point of a grid with
// VictoriaMetrics' window rules:
//
// - the window at time t holds the samples with t - window < timestamp <= t;
// - a missing window is the step; for functions that divide by time (and the bare
//   selector) it is widened to the series' "max previous interval", derived from its
//   estimated scrape interval (the 0.6 quantile of its first 20 sample intervals), so a
//   window shorter than the sample spacing still finds samples;
// - `prevValue` is the sample just before the window, when it is recent enough (within
//   the max previous interval); `increase`/`delta` start from it, so they do not
//   extrapolate like Prometheus;
// - counters (`rate`, `increase`, `irate`) have their resets removed first.

// Samples are Float64Arrays so that the loops below stay monomorphic.
export interface Window {
  timestamps: Float64Array
  values: Float64Array
  // The window is [i, j).
  i: number
  j: number
  prevValue: number
  prevTimestamp: number
  realPrevValue: number
  realNextValue: number
  idx: number
}

export interface RollupFunction {
  // Whether the result keeps the metric name (functions that keep its meaning).
  readonly keepName: boolean
  // Whether a too-small window is widened to the series' sample spacing.
  readonly adjustWindow: boolean
  // Whether counter resets are removed from the samples first.
  readonly removeResets: boolean
  // How many scalar arguments come before the series argument.
  readonly scalarArgs: number
  readonly compute: (w: Window, scalars: ReadonlyArray<Float64Array>) => number
}

// The lookbehind VictoriaMetrics fetches before a window for its previous-sample rules.
export const maxSilenceIntervalMs = 5 * 60 * 1000

// Prometheus' interpolated quantile of sorted values (NaN-free), as VictoriaMetrics has it.
export const quantileSorted = (phi: number, sorted: ArrayLike<number>): number => {
  const n = sorted.length
  if (n === 0 || Number.isNaN(phi)) return NaN
  if (phi < 0) return -Infinity
  if (phi > 1) return Infinity
  const rank = phi * (n - 1)
  const lower = Math.max(0, Math.floor(rank))
  const upper = Math.min(n - 1, lower + 1)
  const weight = rank - Math.floor(rank)
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight
}

export const quantile = (phi: number, values: ArrayLike<number>, from = 0, to = values.length): number => {
  const sorted: Array<number> = []
  for (let k = from; k < to; k++) {
    const v = values[k]!
    if (v === v) sorted.push(v)
  }
  sorted.sort((a, b) => a - b)
  return quantileSorted(phi, sorted)
}

export const scrapeInterval = (timestamps: ArrayLike<number>, fallback: number): number => {
  if (timestamps.length < 2) return fallback
  const count = Math.min(timestamps.length - 1, 20)
  const intervals = Array.from<number>({ length: count })
  for (let k = 0; k < count; k++) intervals[k] = timestamps[k + 1]! - timestamps[k]!
  const interval = Math.trunc(quantile(0.6, intervals))
  return interval > 0 ? interval : fallback
}

// Smaller scrape intervals get more slack: they jitter more, relatively.
export const maxPrevInterval = (interval: number): number => {
  if (interval <= 2000) return interval + 4 * interval
  if (interval <= 4000) return interval + 2 * interval
  if (interval <= 8000) return interval + interval
  if (interval <= 16000) return interval + Math.trunc(interval / 2)
  if (interval <= 32000) return interval + Math.trunc(interval / 4)
  return interval + Math.trunc(interval / 8)
}

// A drop to less than 1/8 below the previous value is a partial reset (only the drop is
// added back); a bigger drop restarts the counter from zero.
export const removeCounterResets = (values: Float64Array): void => {
  if (values.length === 0) return
  let correction = 0
  let prev = values[0]!
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!
    const d = v - prev
    if (d < 0) correction += -d * 8 < prev ? prev - v : prev
    prev = v
    values[k] = v + correction
  }
}

const last = (w: Window) => (w.j > w.i ? w.values[w.j - 1]! : NaN)

const delta = (w: Window): number => {
  const { values } = w
  let i = w.i
  let prev = w.prevValue
  if (Number.isNaN(prev)) {
    if (w.j === i) return NaN
    if (!Number.isNaN(w.realPrevValue)) return values[w.j - 1]! - w.realPrevValue
    // A series first seen in this window counts from zero, unless its first value is large
    // compared with its growth: then it existed before and only its growth counts.
    let d = 0
    if (w.j - i > 1) d = values[i + 1]! - values[i]!
    else if (!Number.isNaN(w.realNextValue)) d = w.realNextValue - values[i]!
    if (Math.abs(values[i]!) < 10 * (Math.abs(d) + 1)) prev = 0
    else {
      prev = values[i]!
      i++
    }
  }
  if (w.j === i) return 0
  return values[w.j - 1]! - prev
}

const derivFast = (w: Window): number => {
  let prev = w.prevValue
  let prevTs = w.prevTimestamp
  const n = w.j - w.i
  if (Number.isNaN(prev)) {
    if (n < 2) return NaN
    prev = w.values[w.i]!
    prevTs = w.timestamps[w.i]!
  } else if (n === 0) return 0
  return (w.values[w.j - 1]! - prev) / ((w.timestamps[w.j - 1]! - prevTs) / 1000)
}

const ideriv = (w: Window): number => {
  const n = w.j - w.i
  const { values, timestamps } = w
  if (n < 2) {
    if (n === 0 || Number.isNaN(w.prevValue)) return NaN
    return (values[w.i]! - w.prevValue) / ((timestamps[w.i]! - w.prevTimestamp) / 1000)
  }
  const vEnd = values[w.j - 1]!
  const tEnd = timestamps[w.j - 1]!
  return (vEnd - values[w.j - 2]!) / ((tEnd - timestamps[w.j - 2]!) / 1000)
}

const idelta = (w: Window): number => {
  const n = w.j - w.i
  if (n === 0) return Number.isNaN(w.prevValue) ? NaN : 0
  const lastValue = w.values[w.j - 1]!
  if (n === 1) return Number.isNaN(w.prevValue) ? lastValue : lastValue - w.prevValue
  return lastValue - w.values[w.j - 2]!
}

const sum = (w: Window): number => {
  if (w.j === w.i) return NaN
  let s = 0
  for (let k = w.i; k < w.j; k++) s += w.values[k]!
  return s
}

const stdvar = (w: Window): number => {
  const n = w.j - w.i
  if (n === 0) return NaN
  if (n === 1) return 0
  let avg = 0
  let count = 0
  let q = 0
  for (let k = w.i; k < w.j; k++) {
    const v = w.values[k]!
    count++
    const next = avg + (v - avg) / count
    q += (v - avg) * (v - next)
    avg = next
  }
  return q / count
}

const fn = (
  compute: RollupFunction["compute"],
  options: Partial<Omit<RollupFunction, "compute">> = {}
): RollupFunction => ({
  keepName: options.keepName ?? false,
  adjustWindow: options.adjustWindow ?? false,
  removeResets: options.removeResets ?? false,
  scalarArgs: options.scalarArgs ?? 0,
  compute
})

// The implicit function of a bare selector: the last sample of the window.
export const defaultRollup = fn(last, { keepName: true, adjustWindow: true })

export const rollupFunctions: { readonly [name: string]: RollupFunction } = {
  rate: fn(derivFast, { adjustWindow: true, removeResets: true }),
  irate: fn(ideriv, { adjustWindow: true, removeResets: true }),
  increase: fn(delta, { removeResets: true }),
  delta: fn(delta),
  idelta: fn(idelta),
  sum_over_time: fn(sum),
  avg_over_time: fn((w) => (w.j === w.i ? NaN : sum(w) / (w.j - w.i)), { keepName: true }),
  min_over_time: fn(
    (w) => {
      if (w.j === w.i) return NaN
      let m = w.values[w.i]!
      for (let k = w.i; k < w.j; k++) if (w.values[k]! < m) m = w.values[k]!
      return m
    },
    { keepName: true }
  ),
  max_over_time: fn(
    (w) => {
      if (w.j === w.i) return NaN
      let m = w.values[w.i]!
      for (let k = w.i; k < w.j; k++) if (w.values[k]! > m) m = w.values[k]!
      return m
    },
    { keepName: true }
  ),
  count_over_time: fn((w) => (w.j === w.i ? NaN : w.j - w.i)),
  last_over_time: fn(last, { keepName: true }),
  first_over_time: fn((w) => (w.j === w.i ? NaN : w.values[w.i]!), { keepName: true }),
  quantile_over_time: fn((w, [phis]) => quantile(phis![w.idx]!, w.values, w.i, w.j), {
    keepName: true,
    scalarArgs: 1
  }),
  stddev_over_time: fn((w) => Math.sqrt(stdvar(w))),
  stdvar_over_time: fn(stdvar),
  present_over_time: fn((w) => (w.j > w.i ? 1 : NaN)),
  absent_over_time: fn((w) => (w.j > w.i ? NaN : 1)),
  changes: fn((w) => {
    let i = w.i
    let prev = w.prevValue
    let n = 0
    if (Number.isNaN(prev)) {
      if (w.j === i) return NaN
      prev = w.values[i++]!
      n++
    }
    for (let k = i; k < w.j; k++) {
      if (w.values[k] !== prev) {
        n++
        prev = w.values[k]!
      }
    }
    return n
  }),
  resets: fn((w) => {
    if (w.j === w.i) return Number.isNaN(w.prevValue) ? NaN : 0
    let i = w.i
    let prev = w.prevValue
    if (Number.isNaN(prev)) prev = w.values[i++]!
    let n = 0
    for (let k = i; k < w.j; k++) {
      if (w.values[k]! < prev) n++
      prev = w.values[k]!
    }
    return n
  }),
  timestamp: fn((w) => (w.j === w.i ? NaN : w.timestamps[w.j - 1]! / 1000), { adjustWindow: true })
}

export interface Grid {
  readonly start: number
  readonly step: number
  readonly points: number
}

// Evaluates `f` over one series' samples at every grid point. `windowMs` 0 means "the step".
export const rollup = (
  f: RollupFunction,
  scalars: ReadonlyArray<Float64Array>,
  timestamps: Float64Array,
  values: Float64Array,
  grid: Grid,
  windowMs: number
): Float64Array => {
  const maxPrev = maxPrevInterval(scrapeInterval(timestamps, grid.step))
  let window = windowMs > 0 ? windowMs : grid.step
  if (f.adjustWindow && window < maxPrev) window = maxPrev
  const n = timestamps.length
  const out = new Float64Array(grid.points)
  const w: Window = {
    timestamps,
    values,
    i: 0,
    j: 0,
    prevValue: NaN,
    prevTimestamp: 0,
    realPrevValue: NaN,
    realNextValue: NaN,
    idx: 0
  }
  let i = 0
  let j = 0
  for (let k = 0; k < grid.points; k++) {
    const tEnd = grid.start + k * grid.step
    const tStart = tEnd - window
    while (i < n && timestamps[i]! <= tStart) i++
    if (j < i) j = i
    while (j < n && timestamps[j]! <= tEnd) j++
    w.i = i
    w.j = j
    w.prevValue = NaN
    w.prevTimestamp = tStart - maxPrev
    if (i < n && i > 0 && timestamps[i - 1]! > w.prevTimestamp) {
      w.prevValue = values[i - 1]!
      w.prevTimestamp = timestamps[i - 1]!
    }
    w.realPrevValue = i > 0 ? values[i - 1]! : NaN
    w.realNextValue = j < n ? values[j]! : NaN
    w.idx = k
    out[k] = f.compute(w, scalars)
  }
  return out
}
