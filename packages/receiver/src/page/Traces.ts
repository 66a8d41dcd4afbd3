/**
 * Traces: the recent ones (narrowed by the selections) and a waterfall of the chosen one, gt's
 * command span down to the bd subprocesses it ran (bd joins gt's trace through TRACEPARENT).
 * A span shows its attributes and its log records; a record links back to its span.
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import { clock, duration, h } from "./Dom.ts"
import * as Logs from "./Logs.ts"
import * as State from "./State.ts"

const serviceKey = "service.name"

const serviceClass = (services: Array<string>, service: string): string => {
  if (!services.includes(service)) services.push(service)
  return `svc-${services.indexOf(service) % 6}`
}

const list = (traces: ReadonlyArray<Api.TraceSummary>, selected: string | undefined, services: Array<string>) =>
  h(
    "div",
    { class: "trace-list" },
    traces.length === 0
      ? h("p", { class: "empty" }, "No traces. Set GT_OTEL_TRACES_URL (and BD_OTEL_TRACES_URL).")
      : null,
    traces.map((t) =>
      h(
        "a",
        {
          class: `trace-item${t.traceId === selected ? " selected" : ""}${t.errors > 0 ? " failed" : ""}`,
          href: Logs.traceHref(t.traceId),
          "data-trace": t.traceId
        },
        h("span", { class: `svc ${serviceClass(services, t.service)}` }, t.service),
        h("b", {}, t.name),
        h("span", { class: "dim" }, `${t.spans} spans · ${duration(t.durationMs)} · ${clock(t.startNs)}`),
        t.errors > 0 ? h("span", { class: "badge error" }, `${t.errors} error${t.errors > 1 ? "s" : ""}`) : null,
        h(
          "span",
          { class: "dim" },
          Object.entries(t.labels)
            .filter(([, v]) => v !== "")
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        )
      )
    )
  )

const waterfall = (trace: Api.Trace, spanId: string | undefined, config: Api.Dashboards, services: Array<string>) => {
  const start = trace.spans.reduce(
    (m, s) => (BigInt(s.startNs) < m ? BigInt(s.startNs) : m),
    BigInt(trace.spans[0]!.startNs)
  )
  const end = trace.spans.reduce((m, s) => (BigInt(s.endNs) > m ? BigInt(s.endNs) : m), 0n)
  const total = Math.max(1, Number(end - start))
  const logsBySpan = Map.groupBy(trace.logs, (l) => l.spanId)
  const selected = trace.spans.find((s) => s.spanId === spanId)
  const rows = trace.spans.map((s) => {
    const offset = Number(BigInt(s.startNs) - start)
    const length = Number(BigInt(s.endNs) - BigInt(s.startNs))
    const service = s.resource[serviceKey] ?? ""
    const records = logsBySpan.get(s.spanId)?.length ?? 0
    return h(
      "a",
      {
        class: `span-row${s.spanId === spanId ? " selected" : ""}${s.status.code === 2 ? " failed" : ""}`,
        href: Logs.traceHref(trace.traceId, s.spanId),
        "data-span": s.spanId,
        "data-service": service,
        "data-depth": s.depth
      },
      h(
        "span",
        { class: "span-name", style: `padding-left:${s.depth * 16 + 4}px` },
        h("span", { class: `svc ${serviceClass(services, service)}` }, service),
        " ",
        s.name,
        records > 0 ? h("span", { class: "badge", title: "log records of this span" }, String(records)) : null
      ),
      h(
        "span",
        { class: "span-track" },
        h("span", {
          class: `span-bar ${serviceClass(services, service)}`,
          style: `left:${(offset / total) * 100}%;width:${Math.max(0.3, (length / total) * 100)}%`
        }),
        h("span", { class: "span-time" }, duration(length / 1e6))
      )
    )
  })
  const detail =
    selected === undefined
      ? h("p", { class: "dim" }, "Choose a span to see its attributes and log records.")
      : h(
          "div",
          { class: "span-detail", "data-span": selected.spanId },
          h("h3", {}, selected.name, selected.status.code === 2 ? h("span", { class: "badge error" }, "error") : null),
          selected.status.message === "" ? null : h("p", { class: "error-text" }, selected.status.message),
          h(
            "table",
            {},
            Object.entries({ span_id: selected.spanId, ...selected.attributes, ...selected.resource }).map(([k, v]) =>
              h("tr", {}, h("th", {}, k), h("td", {}, v))
            )
          ),
          selected.events.length === 0
            ? null
            : h(
                "div",
                {},
                h("h4", {}, "Events"),
                selected.events.map((e) => h("div", { class: "dim" }, `${clock(e.timeNs)} ${e.name}`))
              ),
          h("h4", {}, `Log records (${logsBySpan.get(selected.spanId)?.length ?? 0})`),
          h(
            "div",
            { class: "log-list span-logs" },
            (logsBySpan.get(selected.spanId) ?? []).map((l) => Logs.row(l.fields, config))
          )
        )
  return h(
    "div",
    { class: "waterfall", "data-trace": trace.traceId },
    h("h2", {}, trace.spans[0]!.name, h("span", { class: "dim" }, ` ${trace.traceId} · ${duration(total / 1e6)}`)),
    h("div", { class: "span-rows" }, rows),
    detail,
    h("h4", {}, `All log records of the trace (${trace.logs.length})`),
    h(
      "div",
      { class: "log-list trace-logs" },
      trace.logs.map((l) => Logs.row(l.fields, config))
    )
  )
}

/**
 * The traces view; `traceId` and `spanId` come from the address (`#/traces/<trace>/<span>`).
 *
 * @since 0.1.0
 * @category views
 */
export const view = (state: State.State, traceId: string | undefined, spanId: string | undefined): State.View => {
  const left = h("div", { class: "traces-left" })
  const right = h("div", { class: "traces-right" })
  const el = h("div", { class: "traces" }, left, right)
  const services: Array<string> = []
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    try {
      const params = State.labelParams(state)
      params.set("limit", "100")
      const [traces, trace] = await Promise.all([
        State.json<Api.Traces>(`/api/gastown/traces?${params}`),
        traceId === undefined ? undefined : State.json<Api.Trace>(`/api/gastown/traces/${traceId}`)
      ])
      if (mine !== generation) return
      const chosen = traceId ?? traces.traces[0]?.traceId
      left.replaceChildren(list(traces.traces, chosen, services))
      const shown =
        trace ?? (chosen === undefined ? undefined : await State.json<Api.Trace>(`/api/gastown/traces/${chosen}`))
      if (mine !== generation) return
      right.replaceChildren(
        shown === undefined
          ? h("p", { class: "dim" }, "No trace chosen.")
          : waterfall(shown, spanId, state.config, services)
      )
      right.querySelector(".span-row.selected")?.scrollIntoView({ block: "nearest" })
    } catch (e) {
      if (mine === generation) right.replaceChildren(h("p", { class: "error-text" }, String(e)))
    }
  }
  return { el, refresh: () => void refresh(), dispose: () => undefined }
}
