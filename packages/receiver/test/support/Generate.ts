// Generated telemetry as the receiver would store it, for the catalogue's metrics under
// their stored names (Naming.promCompatible): counters that reset (processes restart),
// gauges, and histograms as cumulative `_bucket{le}` series with `_sum` and `_count`.
// Samples arrive irregularly (jittered intervals, late starts, gaps), like pushes from
// short-lived gt/bd processes. Everything derives from a seed.
import { Catalogue, Correlation, Naming } from "@gastown-otel/schema"
import type { SchemaAST } from "effect"
import type { SeriesSamples } from "../../src/metrics/Series.ts"

export const random = (seed: number) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p
  }
}

export type Random = ReturnType<typeof random>

export interface Dataset {
  readonly series: ReadonlyArray<SeriesSamples & { readonly timestamps: Array<number>; readonly values: Array<number> }>
  readonly startMs: number
  readonly endMs: number
  // Stored label name -> the values it takes, for building selectors.
  readonly labelValues: ReadonlyMap<string, ReadonlyArray<string>>
  readonly counters: ReadonlyArray<string>
  readonly gauges: ReadonlyArray<string>
  // Histograms' bucket series names.
  readonly histograms: ReadonlyArray<string>
  readonly labelsOf: ReadonlyMap<string, ReadonlyArray<string>>
}

const literals = (ast: SchemaAST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "Literal":
      return [String(ast.literal)]
    case "Union":
      return ast.types.flatMap(literals)
    case "Boolean":
      return ["true", "false"]
    default:
      return []
  }
}

// Values of one metric label: the field's literals, or two values named after the field.
const fieldValues = (event: string, field: string): ReadonlyArray<string> => {
  const entry = Catalogue.byName.get(event)!
  const schema = (entry.schema.fields as Record<string, { ast: SchemaAST.AST }>)[field]
  const fromSchema = schema === undefined ? [] : literals(schema.ast)
  return fromSchema.length > 0 ? fromSchema : [`${field}-a`, `${field}-b`]
}

// Three processes' correlation label values, in Correlation.metricKeys order (role, rig,
// actor, agent); the last has no agent (a missing label).
const contexts: ReadonlyArray<ReadonlyArray<string | undefined>> = [
  ["mol/polecats/jana", "mol", "mol/polecats/jana", "jana"],
  ["mol/witness", "mol", "mol/witness", "nux"],
  ["mayor", "gt", "mayor", undefined]
]

const timestamps = (r: Random, startMs: number, endMs: number): Array<number> => {
  const interval = r.pick([10_000, 15_000, 30_000, 60_000])
  const out: Array<number> = []
  let t = startMs + r.int(0, interval) + (r.chance(0.3) ? r.int(0, (endMs - startMs) / 3) : 0)
  const stop = r.chance(0.3) ? endMs - r.int(0, (endMs - startMs) / 3) : endMs
  while (t <= stop) {
    out.push(t)
    // Jitter, and now and then a gap of several intervals (no process ran).
    t += Math.round(interval * (0.8 + 0.4 * r.next())) + (r.chance(0.03) ? interval * r.int(3, 12) : 0)
  }
  return out
}

// A counter: grows by small integer steps, resets now and then to zero (a restarted
// process) or drops a little (a partial reset).
const counterValues = (r: Random, n: number): Array<number> => {
  const out: Array<number> = []
  let v = r.chance(0.5) ? 0 : r.int(0, 500)
  for (let k = 0; k < n; k++) {
    if (r.chance(0.02)) v = 0
    else if (r.chance(0.01)) v = Math.max(0, v - r.int(1, 3))
    else v += r.chance(0.4) ? 0 : r.int(1, 5)
    out.push(v)
  }
  return out
}

const gaugeValues = (r: Random, n: number): Array<number> => {
  const out: Array<number> = []
  let v = r.int(0, 40)
  for (let k = 0; k < n; k++) {
    v = Math.max(0, v + r.pick([-2, -1, 0, 0, 0, 1, 2, 0.5, -0.5]))
    out.push(v)
  }
  return out
}

export const generate = (seed: number, startMs: number, endMs: number): Dataset => {
  const r = random(seed)
  const series: Array<Dataset["series"][number]> = []
  const labelValues = new Map<string, Set<string>>()
  const labelsOf = new Map<string, ReadonlyArray<string>>()
  const counters: Array<string> = []
  const gauges: Array<string> = []
  const histograms: Array<string> = []
  const note = (labels: { readonly [k: string]: string }) => {
    for (const [k, v] of Object.entries(labels)) {
      if (k === "__name__") continue
      const set = labelValues.get(k) ?? new Set()
      set.add(v)
      labelValues.set(k, set)
    }
  }
  for (const metric of Catalogue.metrics) {
    const name = Naming.promCompatible(metric.name)
    labelsOf.set(name, metric.labelKeys.map(Naming.promCompatible))
    const combos = metric.labels.length === 0 ? 1 : 2
    for (const context of contexts) {
      for (let c = 0; c < combos; c++) {
        const labels: Record<string, string> = {}
        Correlation.metricKeys.forEach((key, i) => {
          const v = context[i]
          if (v !== undefined) labels[Naming.promCompatible(key)] = v
        })
        for (const l of metric.labels) labels[Naming.promCompatible(l)] = r.pick(fieldValues(metric.event, l))
        const ts = timestamps(r, startMs, endMs)
        if (ts.length === 0) continue
        if (metric.kind === "histogram") {
          // Each sample of the histogram adds observations spread over its buckets.
          const bounds = [...(metric.boundaries ?? []), Infinity]
          const cumulative = bounds.map(() => [] as Array<number>)
          const sums: Array<number> = []
          const counts = bounds.map(() => 0)
          let sum = 0
          for (let k = 0; k < ts.length; k++) {
            if (r.chance(0.02)) {
              counts.fill(0)
              sum = 0
            }
            const observations = r.chance(0.4) ? 0 : r.int(1, 4)
            for (let o = 0; o < observations; o++) {
              const b = Math.min(bounds.length - 1, Math.floor(r.next() * r.next() * bounds.length))
              for (let u = b; u < bounds.length; u++) counts[u]!++
              sum += Number.isFinite(bounds[b]!) ? bounds[b]! : 100_000
            }
            bounds.forEach((_, u) => cumulative[u]!.push(counts[u]!))
            sums.push(sum)
          }
          const [bucket, sumName, countName] = Naming.series(metric)
          for (const [u, le] of bounds.entries()) {
            const l = { __name__: bucket!, ...labels, le: Number.isFinite(le) ? String(le) : "+Inf" }
            series.push({ labels: l, timestamps: ts, values: cumulative[u]! })
            note(l)
          }
          series.push({ labels: { __name__: sumName!, ...labels }, timestamps: ts, values: sums })
          series.push({ labels: { __name__: countName!, ...labels }, timestamps: ts, values: cumulative.at(-1)! })
          note(labels)
          continue
        }
        const l = { __name__: name, ...labels }
        series.push({
          labels: l,
          timestamps: ts,
          values: metric.kind === "gauge" ? gaugeValues(r, ts.length) : counterValues(r, ts.length)
        })
        note(l)
      }
    }
    if (metric.kind === "counter") counters.push(name)
    else if (metric.kind === "gauge") gauges.push(name)
    else histograms.push(Naming.series(metric)[0]!)
  }
  // Two processes pushing identical labels collapse into one series: keep the first.
  const unique = new Map<string, Dataset["series"][number]>()
  for (const s of series) {
    const key = JSON.stringify(Object.entries(s.labels).toSorted())
    if (!unique.has(key)) unique.set(key, s)
  }
  return {
    series: [...unique.values()],
    startMs,
    endMs,
    labelValues: new Map([...labelValues].map(([k, v]) => [k, [...v].toSorted()])),
    counters,
    gauges,
    histograms,
    labelsOf
  }
}
