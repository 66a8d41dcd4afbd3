/**
 * Dashboard queries filled in as Grafana fills them, so the page asks the receiver exactly
 * what Grafana would ask VictoriaMetrics and VictoriaLogs for the same panel: the step from
 * the time range and the panel's width, the interval variables, and the rig/role/agent
 * selections ("All" as the variable's all value).
 *
 * @since 0.1.0
 */

/**
 * A variable's selection: "All", or some values.
 *
 * @since 0.1.0
 * @category models
 */
export type Selection = "All" | ReadonlyArray<string>

/**
 * The selections by variable name.
 *
 * @since 0.1.0
 * @category models
 */
export type Selections = Readonly<Record<string, Selection>>

/**
 * Grafana's interval rounding table: a computed interval up to the first bound becomes the
 * second value (ms).
 *
 * @since 0.1.0
 * @category constants
 */
export const rounding: ReadonlyArray<readonly [number, number]> = [
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

const round = (ms: number): number => rounding.find(([bound]) => ms <= bound)?.[1] ?? 86400000

const units: ReadonlyArray<readonly [string, number]> = [
  ["y", 31536000000],
  ["d", 86400000],
  ["h", 3600000],
  ["m", 60000],
  ["s", 1000]
]

// `$__interval` is written in its largest whole unit ("90s" reads "1m").
const intervalText = (ms: number): string => {
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`
  return `${Math.max(1, ms)}ms`
}

/**
 * How `$__rate_interval` is written: as Go prints a duration ("1m15s", "4m0s").
 *
 * @since 0.1.0
 * @category formatting
 */
export const goDuration = (ms: number): string => {
  if (ms < 1000) return `${ms}ms`
  const h = Math.floor(ms / 3600000)
  const m = Math.floor((ms % 3600000) / 60000)
  const s = (ms % 60000) / 1000
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`
}

/**
 * The Prometheus datasource's default scrape interval, the smallest step Grafana asks for.
 *
 * @since 0.1.0
 * @category constants
 */
export const scrapeMs = 15_000

/**
 * A range query as Grafana's Prometheus datasource sends it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RangeQuery {
  readonly query: string
  readonly startMs: number
  readonly endMs: number
  readonly stepMs: number
}

const regexEscape = (value: string): string => value.replace(/[\\^$*+?.()|{}[\]]/g, "\\$&")

/**
 * The selection as a regex the receiver's `/api/gastown/...` routes match labels with
 * (anchored; a missing label is ""), as PromQL selectors get it: one value escaped, several as an alternation.
 *
 * @since 0.1.0
 * @category interpolation
 */
export const regex = (selection: Selection, allValue: string): string =>
  selection === "All"
    ? allValue
    : selection.length === 1
      ? regexEscape(selection[0]!)
      : `(${selection.map(regexEscape).join("|")})`

const references = (name: string): RegExp => new RegExp(`\\$\\{${name}\\}|\\$${name}\\b`, "g")

/**
 * A PromQL panel query for the range `fromMs`–`toMs` drawn `maxDataPoints` wide: one value
 * as a regex-escaped literal, several as an alternation, "All" as `allValue`; start and end
 * aligned down to the step.
 *
 * @since 0.1.0
 * @category interpolation
 */
export const promql = (
  expr: string,
  range: { readonly fromMs: number; readonly toMs: number; readonly maxDataPoints: number },
  selections: Selections,
  allValue: string
): RangeQuery => {
  const span = range.toMs - range.fromMs
  const calculated = Math.max(scrapeMs, round(Math.trunc(span / Math.max(1, range.maxDataPoints))))
  // Grafana never asks for more than 11,000 points.
  const step = Math.max(calculated, round(Math.trunc(span / 11000)))
  let query = expr
    .replaceAll("$__interval_ms", String(step))
    .replaceAll("$__interval", intervalText(step))
    .replaceAll("$__range", `${Math.round(span / 1000)}s`)
    .replaceAll("$__rate_interval", goDuration(Math.max(step + scrapeMs, 4 * scrapeMs)))
  for (const [name, selection] of Object.entries(selections)) {
    const text = regex(selection, allValue)
    query = query.replace(references(name), () => text)
  }
  return {
    query,
    startMs: Math.floor(range.fromMs / step) * step,
    endMs: Math.floor(range.toMs / step) * step,
    stepMs: step
  }
}

/**
 * A LogsQL query as the VictoriaLogs datasource fills it: "All" as `allValue`, unformatted;
 * values inside a regexp filter (`field:~"^${rig}$"`) as an alternation `(a|b)`; elsewhere
 * joined with ` OR `.
 *
 * @since 0.1.0
 * @category interpolation
 */
export const logsql = (expr: string, selections: Selections, allValue: string): string => {
  let out = expr
  for (const [name, selection] of Object.entries(selections)) {
    out = out.replace(references(name), (_match, offset: number, whole: string) => {
      if (selection === "All") return allValue
      return /:\s*~\s*"\^?$/.test(whole.slice(0, offset)) ? `(${selection.join("|")})` : selection.join(" OR ")
    })
  }
  return out
}
