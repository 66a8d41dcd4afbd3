/**
 * Coverage: the share of the catalogue's events and metrics that arrived in the range, what
 * is missing, and the problems `gastown-otel check` found in what arrived (unknown names,
 * missing or mistyped attributes, wrong severities).
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import { h } from "./Dom.ts"
import * as State from "./State.ts"

const meter = (name: string, c: Api.Coverage) =>
  h(
    "div",
    { class: "coverage", "data-part": name },
    h(
      "div",
      { class: "coverage-head" },
      h("b", {}, name),
      h(
        "span",
        { class: "coverage-count" },
        `${c.seen} of ${c.total} seen (${Math.round((100 * c.seen) / Math.max(1, c.total))}%)`
      )
    ),
    h("div", { class: "meter" }, h("span", { style: `width:${(100 * c.seen) / Math.max(1, c.total)}%` })),
    c.missing.length === 0
      ? null
      : h(
          "p",
          { class: "dim" },
          "Not seen: ",
          c.missing.map((m) => h("code", {}, m))
        )
  )

/**
 * The coverage view.
 *
 * @since 0.1.0
 * @category views
 */
export const view = (state: State.State): State.View => {
  const el = h("div", { class: "check" })
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    try {
      const { fromMs, toMs } = State.window(state)
      const params = new URLSearchParams({ start: String(fromMs / 1000), end: String(toMs / 1000) })
      const report = await State.json<Api.CheckReport>(`/api/gastown/check?${params}`)
      if (mine !== generation) return
      el.replaceChildren(
        h(
          "div",
          {},
          h(
            "p",
            { class: "dim" },
            `Checked ${report.checked.series} series and ${report.checked.records} records against the catalogue` +
              ` (${report.checked.skippedSeries} series and ${report.checked.skippedRecords} records of other services left out).`
          ),
          meter("events", report.coverage.events),
          meter("metrics", report.coverage.metrics),
          h("h3", {}, report.findings.length === 0 ? "No problems found." : `Problems (${report.findings.length})`),
          report.findings.length === 0
            ? null
            : h(
                "table",
                { class: "findings" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    ["kind", "signal", "subject", "attribute", "count", "message"].map((n) => h("th", {}, n))
                  )
                ),
                h(
                  "tbody",
                  {},
                  report.findings.map((f) =>
                    h(
                      "tr",
                      {},
                      h("td", {}, f.kind),
                      h("td", {}, f.signal),
                      h("td", {}, h("code", {}, f.subject)),
                      h("td", {}, f.attribute ?? ""),
                      h("td", { class: "num" }, String(f.count)),
                      h("td", {}, f.message)
                    )
                  )
                )
              )
        )
      )
    } catch (e) {
      if (mine === generation) el.replaceChildren(h("p", { class: "error-text" }, String(e)))
    }
  }
  return { el, refresh: () => void refresh(), dispose: () => undefined }
}
