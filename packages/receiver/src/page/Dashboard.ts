/**
 * A dashboard of the stack's panel list: its sections, each time series panel drawn from
 * its PromQL targets and each logs panel listing its newest records, both as Grafana would
 * query them with the current selections and range.
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import * as Chart from "./Chart.ts"
import { h } from "./Dom.ts"
import * as Logs from "./Logs.ts"
import * as State from "./State.ts"

type Timeseries = Extract<Api.Panel, { kind: "timeseries" }>

// Grafana's `{{label}}` legend template; a series without a template or a matching label is
// named by its labels.
const legendOf = (template: string, metric: Readonly<Record<string, string>>): string => {
  const filled = template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => metric[name] ?? "").trim()
  if (filled !== "") return filled
  const labels = Object.entries(metric).map(([k, v]) => `${k}="${v}"`)
  return labels.length === 0 ? "value" : `{${labels.join(", ")}}`
}

const chartHeight = 180
const logsLimit = 50

const timeseries = (panel: Timeseries, get: () => State.State) => {
  const body = h("div", { class: "chart" })
  const status = h("div", { class: "panel-status" })
  const el = h(
    "section",
    { class: "panel", "data-kind": "timeseries", "data-title": panel.title },
    h("h3", { title: panel.description }, panel.title),
    status,
    body
  )
  let chart: Chart.Chart | undefined
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    const width = Math.max(200, body.clientWidth || el.clientWidth - 16)
    try {
      const state = get()
      const answers = await Promise.all(panel.targets.map((t) => State.queryRange(state, t.expr, width)))
      if (mine !== generation) return
      const request = answers[0]!.request
      const xs: Array<number> = []
      for (let t = request.startMs; t <= request.endMs; t += request.stepMs) xs.push(t / 1000)
      const index = new Map(xs.map((x, i) => [x, i]))
      const series = answers.flatMap((answer, i) =>
        answer.result.map((m) => {
          const values: Array<number | null> = xs.map(() => null)
          for (const [t, v] of m.values) {
            const at = index.get(t)
            if (at !== undefined) values[at] = Number(v)
          }
          return { label: legendOf(panel.targets[i]!.legend, m.metric), values }
        })
      )
      series.sort((a, b) => a.label.localeCompare(b.label))
      status.textContent = series.length === 0 ? "No data" : ""
      chart = Chart.draw(body, chart, { xs, series }, panel.style, panel.unit, { width, height: chartHeight })
    } catch (e) {
      if (mine === generation) status.textContent = String(e instanceof Error ? e.message : e)
    }
  }
  return { el, refresh, dispose: () => chart?.plot.destroy() }
}

const logs = (panel: Extract<Api.Panel, { kind: "logs" }>, get: () => State.State) => {
  const list = h("div", { class: "log-list" })
  const status = h("div", { class: "panel-status" })
  const el = h(
    "section",
    { class: "panel wide", "data-kind": "logs", "data-title": panel.title },
    h("h3", { title: panel.description }, panel.title),
    status,
    list
  )
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    try {
      const state = get()
      const query = `${State.interpolateLogs(state, panel.expr)}`
      const records = await State.queryLogs(state, query, logsLimit)
      if (mine !== generation) return
      status.textContent = records.length === 0 ? "No records" : ""
      list.replaceChildren(...records.map((r) => Logs.row(r, state.config)))
      el.dataset["records"] = String(records.length)
    } catch (e) {
      if (mine === generation) status.textContent = String(e instanceof Error ? e.message : e)
    }
  }
  return { el, refresh, dispose: () => undefined }
}

/**
 * The view of one dashboard.
 *
 * @since 0.1.0
 * @category views
 */
export const view = (dashboard: Api.Dashboard, get: () => State.State): State.View => {
  const panels = dashboard.sections.map((section) => ({
    section,
    panels: section.panels.map((p) => (p.kind === "logs" ? logs(p, get) : timeseries(p, get)))
  }))
  const el = h(
    "div",
    { class: "dashboard", "data-uid": dashboard.uid },
    panels.map(({ section, panels }) =>
      h(
        "div",
        { class: "section" },
        h("h2", {}, section.title),
        h(
          "div",
          { class: "grid" },
          panels.map((p) => p.el)
        )
      )
    )
  )
  const all = panels.flatMap((s) => s.panels)
  return {
    el,
    refresh: () => all.forEach((p) => void p.refresh()),
    dispose: () => all.forEach((p) => p.dispose())
  }
}
