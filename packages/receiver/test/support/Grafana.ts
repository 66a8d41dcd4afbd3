// What Grafana's Prometheus data source sends for a panel query: the step it computes from
// the time range and the panel's max data points, the built-in interval variables
// substituted ($__interval, $__rate_interval, $__range), the dashboard variables
// substituted (a multi-value selection becomes a regex alternation, "All" the variable's
// allValue), and start/end aligned down to the step.

// Grafana's rounding table and Go's duration format are data and a format, not the logic under test: shared.
import * as Interpolate from "../../src/page/Interpolate.ts"

const roundInterval = (ms: number): number => Interpolate.rounding.find(([limit]) => ms <= limit)?.[1] ?? 86400000

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
    .replaceAll("$__rate_interval", Interpolate.goDuration(rateInterval))
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
