/**
 * The live tail: records as they arrive (`/select/logsql/tail`, streamed), newest on top,
 * coloured by severity, narrowed by the rig/role/agent selections and a LogsQL filter of
 * your own; a click on a record's `gt.*` value (session, run, actor, …) adds it to the
 * filter. It starts with the records of the last hour (or of the range, when shorter).
 *
 * @since 0.1.0
 */
import { h } from "./Dom.ts"
import * as Logs from "./Logs.ts"
import * as State from "./State.ts"

const shown = 500
const backMs = 3_600_000

/**
 * The tail's view. `filter` is the LogsQL typed in the box, kept across views.
 *
 * @since 0.1.0
 * @category views
 */
export const view = (state: State.State, filter: { value: string }): State.View => {
  const list = h("div", { class: "log-list tail-list" })
  const status = h("span", { class: "tail-status" })
  const count = h("span", { class: "tail-count" }, "0 records")
  const input = h("input", {
    class: "tail-filter",
    type: "text",
    value: filter.value,
    placeholder: "LogsQL filter, e.g. _msg:bd.call or service.name:bd",
    spellcheck: "false"
  })
  let received = 0
  let paused = false
  let controller: AbortController | undefined

  const add = (records: ReadonlyArray<State.LogRecord>) => {
    received += records.length
    count.textContent = `${received} records`
    if (paused) return
    list.prepend(...records.toReversed().map((r) => Logs.row(r, state.config, filterBy)))
    while (list.childElementCount > shown) list.lastElementChild!.remove()
    list.dataset["records"] = String(list.childElementCount)
  }

  const start = async () => {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    received = 0
    list.replaceChildren()
    list.dataset["records"] = "0"
    const query = `${filter.value.trim() || "*"} ${State.logsFilter(state)}`
    const params = new URLSearchParams({ query, start_offset: `${Math.min(state.rangeMs, backMs) / 1000}s` })
    status.textContent = "connecting…"
    try {
      const response = await fetch(`/select/logsql/tail?${params}`, { signal: mine.signal })
      if (!response.ok || response.body === null) {
        status.textContent = (await response.text()).trim() || `error ${response.status}`
        return
      }
      status.textContent = "live"
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let pending = ""
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        pending += value
        const end = pending.lastIndexOf("\n")
        if (end < 0) continue
        add(State.parseLines(pending.slice(0, end)))
        pending = pending.slice(end + 1)
      }
      status.textContent = "ended"
    } catch (e) {
      if (!mine.signal.aborted) status.textContent = String(e instanceof Error ? e.message : e)
    }
  }

  const filterBy = (key: string, value: string) => {
    input.value = `${input.value.trim()} ${key}:=${JSON.stringify(value)}`.trim()
    filter.value = input.value
    void start()
  }

  const pause = h("button", {
    type: "button",
    onclick: () => {
      paused = !paused
      pause.textContent = paused ? "Resume" : "Pause"
    }
  })
  pause.textContent = "Pause"
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return
    filter.value = input.value
    void start()
  })
  const el = h(
    "div",
    { class: "tail" },
    h("div", { class: "toolbar" }, input, pause, count, status),
    h(
      "div",
      { class: "legend" },
      ["error", "warn", "info", "debug"].map((s) => h("span", { class: `log-sev sev-${s}` }, s.toUpperCase()))
    ),
    list
  )
  void start()
  return { el, refresh: () => undefined, dispose: () => controller?.abort() }
}
