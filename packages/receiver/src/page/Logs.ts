/**
 * A log record as a row: time, severity (coloured), service, message, the correlation labels
 * and the event's own fields; a record of a trace links to its span in the waterfall. A click
 * shows every field; where the row offers it, a click on a `gt.*` value filters by it.
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import { clock, h } from "./Dom.ts"
import type { LogRecord } from "./State.ts"

// Fields VictoriaLogs adds to every record, shown in their own places or not at all.
const reserved = new Set(["_msg", "_time", "_stream", "_stream_id", "severity", "trace_id", "span_id"])

/**
 * The severity's class: `sev-error`, `sev-warn`, `sev-info`, `sev-debug`.
 *
 * @since 0.1.0
 * @category logs
 */
export const severityClass = (severity: string | undefined): string => {
  const s = (severity ?? "").toUpperCase()
  if (s.startsWith("ERR") || s.startsWith("FATAL")) return "sev-error"
  if (s.startsWith("WARN")) return "sev-warn"
  if (s.startsWith("DEBUG") || s.startsWith("TRACE")) return "sev-debug"
  return "sev-info"
}

/**
 * The waterfall's address of a trace, and of one of its spans.
 *
 * @since 0.1.0
 * @category logs
 */
export const traceHref = (traceId: string, spanId?: string | undefined): string =>
  `#/traces/${traceId}${spanId === undefined || spanId === "" ? "" : `/${spanId}`}`

const time = (record: LogRecord): string => {
  const t = Date.parse(record["_time"] ?? "")
  return Number.isNaN(t) ? (record["_time"] ?? "") : clock(t)
}

/**
 * One record as a row.
 *
 * @since 0.1.0
 * @category logs
 */
export const row = (
  record: LogRecord,
  config: Api.Dashboards,
  filterBy?: (key: string, value: string) => void
): HTMLElement => {
  const labelKeys = new Set(config.variables.map((v) => v.key))
  const filterable = filterBy === undefined ? "" : " filterable"
  const clickable = (key: string, value: string) =>
    filterBy === undefined
      ? {}
      : {
          onclick: (e: Event) => {
            e.stopPropagation()
            filterBy(key, value)
          }
        }
  const labels = config.variables.flatMap((v) => {
    const value = record[v.key]
    return value === undefined
      ? []
      : [h("span", { title: v.key, class: `label${filterable}`, ...clickable(v.key, value) }, value)]
  })
  const own = Object.entries(record).filter(
    ([k]) => !reserved.has(k) && !labelKeys.has(k) && !k.startsWith("service.") && !k.startsWith("host.")
  )
  const traceId = record["trace_id"]
  const details = h(
    "div",
    { class: "log-details", hidden: true },
    h(
      "table",
      {},
      Object.entries(record)
        .toSorted(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))
    )
  )
  const severity = record["severity"] ?? ""
  const el = h(
    "div",
    { class: `log-row ${severityClass(severity)}`, "data-trace": traceId, "data-span": record["span_id"] },
    h(
      "div",
      { class: "log-line", onclick: () => (details.hidden = !details.hidden) },
      h("span", { class: "log-time" }, time(record)),
      h("span", { class: "log-sev" }, severity || "–"),
      h("span", { class: "log-service" }, record["service.name"] ?? ""),
      h("span", { class: "log-msg" }, record["_msg"] ?? ""),
      labels,
      h(
        "span",
        { class: "log-fields" },
        own.map(([k, v]) =>
          h(
            "span",
            k.startsWith("gt.") ? { class: `field${filterable}`, ...clickable(k, v) } : { class: "field" },
            h("i", {}, k, "="),
            v
          )
        )
      ),
      traceId === undefined
        ? null
        : h(
            "a",
            {
              class: "trace-link",
              href: traceHref(traceId, record["span_id"]),
              title: "Show this record's span in the trace",
              onclick: (e: Event) => e.stopPropagation()
            },
            "trace"
          )
    ),
    details
  )
  return el
}
