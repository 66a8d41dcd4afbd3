// A trace's tree when spans are missing or malformed: a root whose parent never arrived
// stands at the top, spans in a parent cycle are listed rather than lost, and the summary
// reads the earliest root.
import { assert, describe, it } from "@effect/vitest"
import type { Span } from "../src/otlp/Traces.ts"
import type { SpanStore } from "../src/traces/SpanStore.ts"
import * as TraceView from "../src/traces/TraceView.ts"
import * as MemoryLogSource from "./support/MemoryLogSource.ts"

const span = (id: string, parent: string, startNs: number, endNs: number): Span => ({
  traceId: "t",
  spanId: id,
  parentSpanId: parent,
  traceState: "",
  name: `span ${id}`,
  kind: 1,
  startNs: String(startNs),
  endNs: String(endNs),
  attributes: { "gt.rig": id === "a" ? "mol" : "" },
  events: [],
  links: [],
  status: { code: 0, message: "" },
  resource: {},
  scope: { name: "", version: "" }
})

// Spans by start time, as the store returns them.
const store = (spans: ReadonlyArray<Span>): SpanStore => ({
  write: () => undefined,
  trace: (id) => (id === "t" ? spans.toSorted((x, y) => Number(x.startNs) - Number(y.startNs)) : []),
  recentTraces: () => ["t"],
  deleteBefore: () => undefined,
  written: () => spans.length
})

describe("TraceView", () => {
  it("puts a span whose parent never arrived at the top, and keeps spans of a parent cycle", () => {
    const spans = [span("a", "gone", 10, 50), span("b", "a", 20, 30), span("c", "d", 5, 8), span("d", "c", 6, 7)]
    const detail = TraceView.detail(store(spans), MemoryLogSource.make(), "t")!
    assert.deepStrictEqual(
      detail.spans.map((s) => [s.spanId, s.depth]),
      [
        ["a", 0],
        ["b", 1],
        ["c", 0],
        ["d", 1]
      ]
    )
    assert.isUndefined(TraceView.detail(store(spans), MemoryLogSource.make(), "other"))
  })

  it("sums a trace up from its root: the span whose parent is not in the trace", () => {
    const summary = TraceView.summary([span("b", "a", 2, 9), span("a", "", 1, 10)], { rig: "gt.rig" })
    assert.deepStrictEqual(
      [summary.name, summary.startNs, summary.durationMs, summary.labels],
      ["span a", "1", 9e-6, { rig: "mol" }]
    )
  })
})
