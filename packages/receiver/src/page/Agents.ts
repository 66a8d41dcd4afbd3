/**
 * Agents: per rig, role and agent, the bd calls gt made (and how many failed), the Claude
 * sessions started, the records with an error severity and the last activity, over the
 * range. A row narrows the page to that agent.
 *
 * @since 0.1.0
 */
import type * as Api from "./Api.ts"
import { ago, clock, h } from "./Dom.ts"
import * as State from "./State.ts"

/**
 * The agents view; `focus` narrows the selections to one agent's labels.
 *
 * @since 0.1.0
 * @category views
 */
export const view = (state: State.State, focus: (labels: Readonly<Record<string, string>>) => void): State.View => {
  const body = h("tbody")
  const status = h("p", { class: "dim" })
  const names = state.config.variables.map((v) => v.name)
  const el = h(
    "div",
    { class: "agents" },
    status,
    h(
      "table",
      { class: "agents-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          names.map((n) => h("th", {}, n)),
          ["bd calls", "bd errors", "sessions", "errors", "records", "last activity", "last event"].map((n) =>
            h("th", {}, n)
          )
        )
      ),
      body
    )
  )
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    try {
      const { fromMs, toMs } = State.window(state)
      const params = State.labelParams(state)
      params.set("start", String(fromMs))
      params.set("end", String(toMs))
      const { agents } = await State.json<Api.Agents>(`/api/gastown/agents?${params}`)
      if (mine !== generation) return
      status.textContent = agents.length === 0 ? "No activity in this range." : `${agents.length} agents`
      const now = Date.now()
      body.replaceChildren(
        ...agents.map((a) => {
          const lastMs = Number(BigInt(a.lastNs) / 1_000_000n)
          return h(
            "tr",
            {
              class: a.errors > 0 ? "failed" : "",
              title: "Narrow the page to this agent",
              onclick: () => focus(a.labels)
            },
            names.map((n) => h("td", { "data-label": n }, a.labels[n] || "—")),
            h("td", { class: "num", "data-col": "bdCalls" }, String(a.bdCalls)),
            h("td", { class: `num${a.bdErrors > 0 ? " bad" : ""}`, "data-col": "bdErrors" }, String(a.bdErrors)),
            h("td", { class: "num", "data-col": "sessions" }, String(a.sessions)),
            h("td", { class: `num${a.errors > 0 ? " bad" : ""}`, "data-col": "errors" }, String(a.errors)),
            h("td", { class: "num" }, String(a.records)),
            h("td", { title: clock(lastMs) }, ago(lastMs, now)),
            h("td", {}, a.lastEvent)
          )
        })
      )
    } catch (e) {
      if (mine === generation) status.textContent = String(e instanceof Error ? e.message : e)
    }
  }
  return { el, refresh: () => void refresh(), dispose: () => undefined }
}
