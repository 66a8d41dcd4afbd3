/**
 * The receiver's page: the dashboards, agents, traces, live tail and the catalogue's
 * coverage, one view at a time,
 * under a bar of rig/role/agent pickers and a time range. The address holds the view and
 * the selections (`#/d/gastown?var-rig=mol&range=1h`, Grafana's `var-` names), so a view
 * can be linked. Views refresh when the receiver says its data changed (server-sent events
 * from `/api/gastown/changes`), and every 30 s as time moves on.
 *
 * @since 0.1.0
 */
import "./page.css"
import * as Agents from "./Agents.ts"
import type * as Api from "./Api.ts"
import * as Check from "./Check.ts"
import * as Dashboard from "./Dashboard.ts"
import { h } from "./Dom.ts"
import type * as Interpolate from "./Interpolate.ts"
import * as State from "./State.ts"
import * as Tail from "./Tail.ts"
import * as Traces from "./Traces.ts"

interface Address {
  readonly path: ReadonlyArray<string>
  readonly selections: Interpolate.Selections
  readonly rangeMs: number
}

const defaultRange = State.ranges.find((r) => r.label === "1h")!

const parse = (config: Api.Dashboards): Address => {
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?")
  const params = new URLSearchParams(query)
  const selections = Object.fromEntries(
    config.variables.map((v) => {
      const values = params.getAll(`var-${v.name}`).filter((x) => x !== "$__all")
      return [v.name, values.length === 0 ? ("All" as const) : values]
    })
  )
  const range = State.ranges.find((r) => r.label === params.get("range")) ?? defaultRange
  const parts = path.split("/").filter((p) => p !== "")
  return {
    path: parts.length === 0 ? ["d", config.dashboards[0]!.uid] : parts,
    selections,
    rangeMs: range.ms
  }
}

const format = (address: Address): string => {
  const params = new URLSearchParams()
  for (const [name, selection] of Object.entries(address.selections)) {
    if (selection !== "All") for (const v of selection) params.append(`var-${name}`, v)
  }
  const range = State.ranges.find((r) => r.ms === address.rangeMs)
  if (range !== undefined && range !== defaultRange) params.set("range", range.label)
  const query = params.toString()
  return `#/${address.path.join("/")}${query === "" ? "" : `?${query}`}`
}

// A multi-value picker as Grafana's: "All", or any of the label's values.
const picker = (
  variable: Api.Variable,
  selection: Interpolate.Selection,
  values: ReadonlyArray<string>,
  choose: (selection: Interpolate.Selection) => void
) => {
  const chosen = new Set(selection === "All" ? [] : selection)
  const known = [...new Set([...values, ...chosen])].toSorted()
  const apply = () => choose(chosen.size === 0 ? "All" : [...chosen].toSorted())
  const option = (label: string, checked: boolean, toggle: () => void) =>
    h(
      "label",
      { class: "option" },
      h("input", { type: "checkbox", checked, "data-value": label, onchange: toggle }),
      label
    )
  return h(
    "details",
    { class: "picker", "data-variable": variable.name },
    h(
      "summary",
      { title: `${variable.key} (${variable.label})` },
      h("span", { class: "picker-name" }, variable.name),
      h("span", { class: "picker-value" }, selection === "All" ? "All" : selection.join(" + "))
    ),
    h(
      "div",
      { class: "options" },
      option("All", selection === "All", () => {
        chosen.clear()
        apply()
      }),
      known.map((value) =>
        option(value, chosen.has(value), () => {
          if (chosen.has(value)) chosen.delete(value)
          else chosen.add(value)
          apply()
        })
      )
    )
  )
}

const start = async () => {
  const config = await State.json<Api.Dashboards>("/api/gastown/dashboards")
  const tailFilter = { value: "" }
  const nav = h("nav", { class: "nav" })
  const pickers = h("div", { class: "pickers" })
  const live = h("span", { class: "live", title: "Receiving updates from the receiver" }, "●")
  const range = h(
    "select",
    { class: "range", title: "Time range, ending now" },
    State.ranges.map((r) => h("option", { value: r.label }, `Last ${r.label}`))
  )
  const main = h("main", { class: "content" })
  document.body.append(
    h("header", { class: "bar" }, h("b", { class: "brand" }, "Gas Town"), nav, pickers, range, live),
    main
  )

  let address = parse(config)
  let view: State.View | undefined
  let labelValues: Record<string, ReadonlyArray<string>> = {}
  const state = (): State.State => ({ config, selections: address.selections, rangeMs: address.rangeMs })
  const go = (next: Address) => {
    location.hash = format(next)
  }

  const drawPickers = () =>
    pickers.replaceChildren(
      ...config.variables.map((v) =>
        picker(v, address.selections[v.name] ?? "All", labelValues[v.name] ?? [], (selection) =>
          go({ ...address, selections: { ...address.selections, [v.name]: selection } })
        )
      )
    )

  const loadLabelValues = async () => {
    const { fromMs, toMs } = State.window(state())
    const params = new URLSearchParams({ start: String(fromMs / 1000), end: String(toMs / 1000) })
    const answers = await Promise.all(
      config.variables.map((v) =>
        State.json<{ readonly data: ReadonlyArray<string> }>(`/api/v1/label/${v.label}/values?${params}`)
      )
    )
    const next = Object.fromEntries(config.variables.map((v, i) => [v.name, answers[i]!.data]))
    if (JSON.stringify(next) === JSON.stringify(labelValues)) return
    labelValues = next
    // Keep a picker open while its values change.
    if (pickers.querySelector("details[open]") === null) drawPickers()
  }

  const links: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    ...config.dashboards.map((d) => [d.title, ["d", d.uid]] as const),
    ["Agents", ["agents"]],
    ["Traces", ["traces"]],
    ["Live tail", ["tail"]],
    ["Coverage", ["check"]]
  ]

  const render = () => {
    view?.dispose()
    const s = state()
    const [kind, a, b] = address.path
    const dashboard = config.dashboards.find((d) => d.uid === a)
    view =
      kind === "d" && dashboard !== undefined
        ? Dashboard.view(dashboard, state)
        : kind === "agents"
          ? Agents.view(s, (labels) =>
              go({
                ...address,
                path: ["tail"],
                selections: Object.fromEntries(config.variables.map((v) => [v.name, [labels[v.name] ?? ""]]))
              })
            )
          : kind === "traces"
            ? Traces.view(s, a, b)
            : kind === "tail"
              ? Tail.view(s, tailFilter)
              : kind === "check"
                ? Check.view(s)
                : Dashboard.view(config.dashboards[0]!, state)
    main.replaceChildren(view.el)
    nav.replaceChildren(
      ...links.map(([title, path]) =>
        h(
          "a",
          { href: format({ ...address, path }), class: path[0] === kind && (path[1] ?? a) === a ? "active" : "" },
          title
        )
      )
    )
    range.value = State.ranges.find((r) => r.ms === address.rangeMs)?.label ?? defaultRange.label
    drawPickers()
    view.refresh()
  }

  range.addEventListener("change", () =>
    go({ ...address, rangeMs: State.ranges.find((r) => r.label === range.value)?.ms ?? defaultRange.ms })
  )
  window.addEventListener("hashchange", () => {
    const next = parse(config)
    const same = JSON.stringify(next) === JSON.stringify(address)
    address = next
    if (!same) render()
  })

  // New data: refresh the view, at most once a second.
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastRefresh = 0
  const refreshSoon = () => {
    if (timer !== undefined) return
    timer = setTimeout(
      () => {
        timer = undefined
        lastRefresh = Date.now()
        view?.refresh()
        void loadLabelValues().catch(() => undefined)
      },
      Math.max(0, lastRefresh + 1000 - Date.now())
    )
  }
  const changes = new EventSource("/api/gastown/changes")
  changes.addEventListener("change", refreshSoon)
  changes.addEventListener("open", () => live.classList.add("on"))
  changes.addEventListener("error", () => live.classList.remove("on"))
  setInterval(refreshSoon, 30_000)

  render()
  await loadLabelValues().catch(() => undefined)
}

start().catch((e: unknown) => {
  document.body.append(h("pre", { class: "error-text" }, `The page could not start: ${String(e)}`))
})
