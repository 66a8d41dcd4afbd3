// What Grafana's Prometheus data source sends for a panel query: the step it computes from
// the time range and the panel's max data points, the built-in interval variables
// substituted ($__interval, $__rate_interval, $__range), the dashboard variables
// substituted (a multi-value selection becomes a regex alternation, "All" the variable's
// allValue), and start/end aligned down to the step.

const roundSteps: ReadonlyArray<readonly [number, number]> = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10000],
  [17500, 15000],
  [25000, 20000],
  [45000, 30000],
  [90000, 60000],
  [210000, 120000],
  [450000, 300000],
  [750000, 600000],
  [1050000, 900000],
  [1500000, 1200000],
  [2700000, 1800000],
  [5400000, 3600000],
  [9000000, 7200000],
  [16200000, 10800000],
  [32400000, 21600000],
  [86400000, 43200000]
]

const roundInterval = (ms: number): number => roundSteps.find(([limit]) => ms <= limit)?.[1] ?? 86400000

// Grafana's interval text: the largest whole unit ("90s" is "1m").
const formatInterval = (ms: number): string => {
  const units: ReadonlyArray<readonly [string, number]> = [
    ["y", 31536000000],
    ["d", 86400000],
    ["h", 3600000],
    ["m", 60000],
    ["s", 1000],
    ["ms", 1]
  ]
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`
  return "1ms"
}

// Go's time.Duration.String, which $__rate_interval is written with ("1m15s", "4m0s").
const goDuration = (ms: number): string => {
  if (ms < 1000) return `${ms}ms`
  const h = Math.floor(ms / 3600000)
  const m = Math.floor((ms % 3600000) / 60000)
  const s = (ms % 60000) / 1000
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`
}

export interface PanelRequest {
  readonly fromMs: number
  readonly toMs: number
  readonly maxDataPoints: number
  // The data source's scrape interval (Grafana's default 15s).
  readonly scrapeMs?: number
  readonly variables: { readonly [name: string]: ReadonlyArray<string> | "All" }
  readonly allValue: string
}

const regexEscape = (v: string) => v.replace(/[\\^$*+?.()|{}[\]]/g, "\\$&")

export const request = (expr: string, p: PanelRequest) => {
  const scrape = p.scrapeMs ?? 15000
  const range = p.toMs - p.fromMs
  const calculated = Math.max(scrape, roundInterval(Math.trunc(range / p.maxDataPoints)))
  const step = Math.max(calculated, roundInterval(Math.trunc(range / 11000)))
  const rateInterval = Math.max(step + scrape, 4 * scrape)
  let q = expr
    .replaceAll("$__interval_ms", String(step))
    .replaceAll("$__interval", formatInterval(step))
    .replaceAll("$__range", `${Math.round(range / 1000)}s`)
    .replaceAll("$__rate_interval", goDuration(rateInterval))
  for (const [name, value] of Object.entries(p.variables)) {
    const text =
      value === "All"
        ? p.allValue
        : value.length === 1
          ? regexEscape(value[0]!)
          : `(${value.map(regexEscape).join("|")})`
    q = q.replaceAll(`\${${name}}`, text).replaceAll(`$${name}`, text)
  }
  return {
    query: q,
    startMs: Math.floor(p.fromMs / step) * step,
    endMs: Math.floor(p.toMs / step) * step,
    stepMs: step
  }
}
