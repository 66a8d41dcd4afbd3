/**
 * What every view shares: the dashboards' definition, the rig/role/agent selections, the
 * time range, and the calls to the receiver's APIs made with them.
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import * as Interpolate from "./Interpolate.ts"

/**
 * The time ranges offered, ending now.
 *
 * @since 0.1.0
 * @category state
 */
export const ranges: ReadonlyArray<{ readonly label: string; readonly ms: number }> = [
  { label: "5m", ms: 5 * 60_000 },
  { label: "15m", ms: 15 * 60_000 },
  { label: "1h", ms: 3_600_000 },
  { label: "6h", ms: 6 * 3_600_000 },
  { label: "24h", ms: 24 * 3_600_000 },
  { label: "7d", ms: 7 * 24 * 3_600_000 }
]

/**
 * The shared state.
 *
 * @since 0.1.0
 * @category state
 */
export interface State {
  readonly config: Api.Dashboards
  readonly selections: Interpolate.Selections
  readonly rangeMs: number
}

/**
 * A view of the page: its element, a refresh (new data arrived, or time moved on) and a
 * disposal when another view replaces it.
 *
 * @since 0.1.0
 * @category state
 */
export interface View {
  readonly el: HTMLElement
  readonly refresh: () => void
  readonly dispose: () => void
}

/**
 * The time range now.
 *
 * @since 0.1.0
 * @category state
 */
export const window = (state: State): { readonly fromMs: number; readonly toMs: number } => {
  const toMs = Date.now()
  return { fromMs: toMs - state.rangeMs, toMs }
}

/**
 * Fetches JSON, throwing the server's message on an error status.
 *
 * @since 0.1.0
 * @category api
 */
export const json = async <A>(url: string, init?: RequestInit): Promise<A> => {
  const response = await fetch(url, init)
  if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`)
  return (await response.json()) as A
}

/**
 * One series of a PromQL range result.
 *
 * @since 0.1.0
 * @category api
 */
export interface Matrix {
  readonly metric: Readonly<Record<string, string>>
  readonly values: ReadonlyArray<readonly [number, string]>
}

/**
 * A PromQL panel query over the current range, filled in as Grafana fills it, `width` points
 * wide; the answer and the step it used. Unlike Grafana, which ends at the last whole step,
 * the page also asks for the step in progress, so what just arrived shows at once.
 *
 * @since 0.1.0
 * @category api
 */
export const queryRange = async (
  state: State,
  expr: string,
  width: number
): Promise<{ readonly request: Interpolate.RangeQuery; readonly result: ReadonlyArray<Matrix> }> => {
  const grafana = Interpolate.promql(
    expr,
    { ...window(state), maxDataPoints: Math.max(1, Math.round(width)) },
    state.selections,
    state.config.allValue
  )
  const request = { ...grafana, endMs: grafana.endMs + grafana.stepMs }
  const body = new URLSearchParams({
    query: request.query,
    start: String(request.startMs / 1000),
    end: String(request.endMs / 1000),
    step: `${request.stepMs / 1000}s`
  })
  const answer = await json<{ readonly data: { readonly result: ReadonlyArray<Matrix> } }>("/api/v1/query_range", {
    method: "POST",
    body
  })
  return { request, result: answer.data.result }
}

/**
 * A log record as the LogsQL API returns it.
 *
 * @since 0.1.0
 * @category api
 */
export type LogRecord = Readonly<Record<string, string>>

/**
 * The newest records of a LogsQL query over the current range, newest first.
 *
 * @since 0.1.0
 * @category api
 */
export const queryLogs = async (state: State, query: string, limit: number): Promise<ReadonlyArray<LogRecord>> => {
  const { fromMs, toMs } = window(state)
  const body = new URLSearchParams({
    query,
    start: new Date(fromMs).toISOString(),
    end: new Date(toMs).toISOString(),
    limit: String(limit)
  })
  const response = await fetch("/select/logsql/query", { method: "POST", body })
  if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`)
  return parseLines(await response.text())
}

/**
 * JSON lines, one object each; blank lines skipped.
 *
 * @since 0.1.0
 * @category api
 */
export const parseLines = (text: string): Array<LogRecord> =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LogRecord)

/**
 * A LogsQL expression with the current selections filled in.
 *
 * @since 0.1.0
 * @category api
 */
export const interpolateLogs = (state: State, expr: string): string =>
  Interpolate.logsql(expr, state.selections, state.config.allValue)

/**
 * The LogsQL filter of the current selections (`gt.rig:~"^(mol)$" …`).
 *
 * @since 0.1.0
 * @category api
 */
export const logsFilter = (state: State): string => interpolateLogs(state, state.config.logsFilter)

/**
 * The selections as the `/api/gastown/...` routes take them (`rig=mol&agent=(a|b)`); "All"
 * left out.
 *
 * @since 0.1.0
 * @category api
 */
export const labelParams = (state: State): URLSearchParams => {
  const params = new URLSearchParams()
  for (const v of state.config.variables) {
    const selection = state.selections[v.name] ?? "All"
    if (selection !== "All") params.set(v.name, Interpolate.regex(selection, state.config.allValue))
  }
  return params
}
