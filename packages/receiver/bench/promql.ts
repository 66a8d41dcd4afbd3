// Times the PromQL engine on about a million samples in memory (1,000 series of 1,000
// samples over 6 hours by default), as range queries over those 6 hours as Grafana sends them
// for 1,200 points, with the dashboard variables at "All". Two layouts: the series spread
// over every catalogue metric (every dashboard query, plus two instant queries), and all
// of them in the one metric a query reads (a counter, a histogram, the gauge): the worst
// case for one panel. Prints the p50 of wall and CPU time per query.
//
//   bash scripts/with-node.sh node packages/receiver/bench/promql.ts [series] [samples]
import { Catalogue, Correlation, Naming } from "@gastown-otel/schema"
import { Panels, Queries } from "@gastown-otel/stack"
import type { SeriesSamples } from "../src/metrics/Series.ts"
import * as Engine from "../src/promql/Engine.ts"
import * as MemorySource from "../src/promql/MemorySource.ts"
import * as Grafana from "../test/support/Grafana.ts"
import * as os from "node:os"

const seriesCount = Number(process.argv[2] ?? 1000)
const samplesPerSeries = Number(process.argv[3] ?? 1000)
const runs = 15
const hour = 3_600_000
const endMs = Math.floor(Date.now() / hour) * hour
const rangeMs = 6 * hour
const intervalMs = Math.floor(rangeMs / samplesPerSeries)

let seed = 42
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

// Series over the given metrics in turn (histograms as their bucket series), each label
// set its own, until `seriesCount` series exist.
const build = (metrics: ReadonlyArray<Catalogue.Metric>): Array<SeriesSamples> => {
  const series: Array<SeriesSamples> = []
  const timestamps = Float64Array.from({ length: samplesPerSeries }, (_, k) => endMs - rangeMs + k * intervalMs)
  for (let n = 0; series.length < seriesCount; n++) {
    const metric = metrics[n % metrics.length]!
    const labels: Record<string, string> = {}
    Correlation.metricKeys.forEach((key, i) => (labels[Naming.promCompatible(key)] = `${key}-${(n + i) % 7}`))
    for (const l of metric.labels) labels[Naming.promCompatible(l)] = `${l}-${n % 5}-${Math.floor(n / 35)}`
    const names =
      metric.kind === "histogram"
        ? [...(metric.boundaries ?? []), Infinity].map((le) => ({ name: Naming.series(metric)[0]!, le: String(le) }))
        : [{ name: Naming.promCompatible(metric.name), le: undefined }]
    let base = 0
    for (const { name, le } of names) {
      if (series.length >= seriesCount) break
      const values = new Float64Array(samplesPerSeries)
      let v = base
      for (let k = 0; k < samplesPerSeries; k++) {
        v = metric.kind === "gauge" ? Math.round(rnd() * 50) : rnd() < 0.01 ? 0 : v + Math.floor(rnd() * 3)
        values[k] = v
      }
      base += 1
      series.push({ labels: { __name__: name, ...labels, ...(le === undefined ? {} : { le }) }, timestamps, values })
    }
  }
  return series
}

const series = build(Catalogue.metrics)
const source = MemorySource.make(series)

const all = Object.fromEntries(Queries.variables.map((v) => [v.name, "All" as const]))
const window = { fromMs: endMs - rangeMs, toMs: endMs, maxDataPoints: 1200, variables: all, allValue: Queries.allValue }
const requests = new Map(
  Panels.dashboards
    .flatMap((d) => d.sections.flatMap((s) => s.panels))
    .flatMap((p) => (p.kind === "timeseries" ? p.targets.map((t) => Grafana.request(t.expr, window)) : []))
    .map((r) => [r.query, r])
)
const exprs = [...requests.keys()]
const stepMs = requests.values().next().value!.stepMs
const metricExprs = (metric: Catalogue.Metric) => {
  const stored = Naming.series(metric)[0]!
  return exprs.filter((q) => q.includes(`${stored}{`))
}

// Wall time, and the process' CPU time, which other load on a shared machine inflates less.
const time = (f: () => unknown) => {
  const wall: Array<number> = []
  const cpu: Array<number> = []
  f()
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    f()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  const median = (xs: Array<number>) => xs.toSorted((a, b) => a - b)[Math.floor(runs / 2)]!
  return { p50: median(wall), cpu: median(cpu) }
}

const report = (title: string, rows: ReadonlyArray<readonly [string, number, number]>) => {
  console.log(title)
  for (const [q, p50, cpu] of rows) {
    console.log(`${p50.toFixed(1).padStart(7)} ms p50 ${cpu.toFixed(1).padStart(7)} ms cpu p50  ${q}`)
  }
}
const range = (src: typeof source, q: string) => {
  const r = requests.get(q)!
  return time(() => Engine.rangeOrThrow(src, q, { startMs: r.startMs, endMs: r.endMs, stepMs: r.stepMs }))
}

const samples = series.reduce((n, s) => n + s.timestamps.length, 0)
const spread: Array<readonly [string, number, number]> = exprs.map((q) => {
  const { p50, cpu } = range(source, q)
  return [q, p50, cpu]
})
for (const q of [`sum(rate(${Naming.promCompatible(Catalogue.metrics[0]!.name)}[5m]))`, `count({__name__=~".+"})`]) {
  const { p50, cpu } = time(() => Engine.instantOrThrow(source, q, { timeMs: endMs }))
  spread.push([`instant: ${q}`, p50, cpu])
}
report(
  `${series.length} series, ${samples} samples over every metric; 6h by ${stepMs / 1000}s, ${runs} runs each`,
  spread
)

const kinds = ["counter", "histogram", "gauge"] as const
const concentrated = kinds.flatMap((kind) => {
  const metric = Catalogue.metrics.find((m) => m.kind === kind)!
  const src = MemorySource.make(build([metric]))
  return metricExprs(metric).map((q) => {
    const { p50, cpu } = range(src, q)
    return [q, p50, cpu] as const
  })
})
report(`${seriesCount} series of ${samplesPerSeries} samples in the one metric read:`, concentrated)
const rows = [...spread, ...concentrated]
console.log(
  `worst p50: ${Math.max(...rows.map((r) => r[1])).toFixed(1)} ms wall, ${Math.max(...rows.map((r) => r[2])).toFixed(1)} ms cpu (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`
)
