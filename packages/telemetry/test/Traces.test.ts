// The live tracer on its own: what an ended span becomes, and the bounds of its buffer.
import { assert, describe, it } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Labels, TraceContext } from "@gastown-otel/telemetry"
import { attributesOf, attributeTypes, decodeTraces } from "@gastown-otel/testkit/OtlpDecode"
import { Effect, Fiber } from "effect"
import * as Emit from "../src/internal/Emit.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import * as Traces from "../src/internal/Traces.ts"
import type { KeyValue, SpanData } from "../src/OtlpData.ts"

const make = (limits?: Partial<Traces.Limits>) => {
  const drops = new Map<string, number>()
  let pressure = 0
  const spans = Traces.make({
    drop: (reason, count = 1) => drops.set(reason, (drops.get(reason) ?? 0) + count),
    onPressure: () => pressure++,
    limits: { ...Traces.defaultLimits, ...limits }
  })
  return { spans, drops, pressure: () => pressure }
}

const plain = (kvs: ReadonlyArray<KeyValue>) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.values(kv.value)[0] as unknown]))

const byName = (spans: ReadonlyArray<SpanData>, name: string) => spans.find((s) => s.name === name)!

describe("the live tracer", () => {
  it.effect("nested spans: ids, parent, kind, times, typed attributes; drained as they ended", () =>
    Effect.gen(function* () {
      const { spans } = make()
      const [outer, inner] = yield* Effect.gen(function* () {
        const inner = yield* Effect.currentSpan.pipe(
          Effect.withSpan("bd list", { kind: "client", attributes: { attempt: 2, ratio: 0.5, cached: true } })
        )
        return [yield* Effect.currentSpan, inner] as const
      }).pipe(Labels.withSpan("gt status"), Labels.withLabels({ "gt.rig": "mol" }), Effect.withTracer(spans.tracer))
      const drained = spans.drain()
      assert.deepStrictEqual(
        drained.map((s) => s.name),
        ["bd list", "gt status"]
      )
      const [child, parent] = drained
      assert.strictEqual(parent!.spanId, outer.spanId)
      assert.strictEqual(child!.spanId, inner.spanId)
      assert.strictEqual(child!.traceId, parent!.traceId)
      assert.strictEqual(child!.parentSpanId, parent!.spanId)
      assert.isUndefined(parent!.parentSpanId)
      assert.strictEqual(child!.kind, "client")
      assert.strictEqual(parent!.kind, "internal")
      assert.deepStrictEqual(plain(child!.attributes), { attempt: 2, ratio: 0.5, cached: true })
      assert.deepStrictEqual(
        child!.attributes.map((a) => Object.keys(a.value)[0]),
        ["int", "double", "bool"]
      )
      assert.deepStrictEqual(plain(parent!.attributes), { "gt.rig": "mol" })
      assert.isTrue(parent!.startTimeUnixNano <= child!.startTimeUnixNano)
      assert.isTrue(child!.endTimeUnixNano <= parent!.endTimeUnixNano)
      assert.deepStrictEqual(parent!.status, { code: "ok" })
      assert.deepStrictEqual(spans.drain(), [], "a drain takes them")
    })
  )

  it.effect("a failure: ERROR with the message, an exception event, secrets redacted", () =>
    Effect.gen(function* () {
      const { spans } = make()
      yield* Effect.fail(new Error("push to https://user:hunter2@example.com/repo failed")).pipe(
        Effect.withSpan("gt push"),
        Effect.withTracer(spans.tracer),
        Effect.ignore
      )
      const failed = byName(spans.drain(), "gt push")
      assert.strictEqual(failed.status.code, "error")
      const message = failed.status.code === "error" ? failed.status.message : ""
      assert.notInclude(message, "hunter2")
      assert.include(message, "failed")
      const exception = failed.events.find((e) => e.name === Resource.spanKeys.exceptionEvent)!
      const attributes = plain(exception.attributes)
      assert.strictEqual(attributes[Resource.spanKeys.exceptionType], "Error")
      assert.strictEqual(attributes[Resource.spanKeys.exceptionMessage], message)
      assert.notInclude(String(attributes[Resource.spanKeys.exceptionStacktrace]), "hunter2")
      assert.strictEqual(exception.timeUnixNano, failed.endTimeUnixNano)
    })
  )

  it.effect("an interruption: status unset, the span says so", () =>
    Effect.gen(function* () {
      const { spans } = make()
      const fiber = yield* Effect.never.pipe(
        Effect.withSpan("gt wait"),
        Effect.withTracer(spans.tracer),
        Effect.forkChild
      )
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      const interrupted = byName(spans.drain(), "gt wait")
      assert.deepStrictEqual(interrupted.status, { code: "unset" })
      assert.strictEqual(plain(interrupted.attributes)[Resource.spanKeys.interrupted], true)
    })
  )

  it.effect("a parent from TRACEPARENT: its trace and parent id; not sampled there, not exported", () =>
    Effect.gen(function* () {
      const { spans } = make()
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
      yield* Effect.void.pipe(
        Effect.withSpan("bd list"),
        TraceContext.continueFrom(`00-${traceId}-00f067aa0ba902b7-01`),
        Effect.withTracer(spans.tracer)
      )
      yield* Effect.void.pipe(
        Effect.withSpan("bd show"),
        TraceContext.continueFrom(`00-${traceId}-00f067aa0ba902b7-00`),
        Effect.withTracer(spans.tracer)
      )
      const [joined, ...rest] = spans.drain()
      assert.deepStrictEqual(rest, [])
      assert.strictEqual(joined!.name, "bd list")
      assert.strictEqual(joined!.traceId, traceId)
      assert.strictEqual(joined!.parentSpanId, "00f067aa0ba902b7")
    })
  )

  it.effect("emitted events are the recorded log records themselves; past the cap, counted", () =>
    Effect.gen(function* () {
      const { spans, drops } = make({ maxEventsPerSpan: 3 })
      const recorder = Recorder.make({})
      const emit = Emit.make(recorder, { strict: true })
      yield* Effect.forEach([0, 1, 2, 3, 4], (i) => emit({ _tag: "nudge", target: `t${i}`, status: "ok" })).pipe(
        Effect.withSpan("gt nudge"),
        Effect.withTracer(spans.tracer)
      )
      const span = byName(spans.drain(), "gt nudge")
      const { logs } = recorder.drain()
      assert.strictEqual(span.events.length, 3)
      span.events.forEach((event, i) => assert.strictEqual<unknown>(event, logs[i], "the record, not a copy"))
      assert.strictEqual(span.droppedEventsCount, 2)
      assert.strictEqual(drops.get("span_event_limit"), 2)
      assert.deepStrictEqual(
        logs.map((l) => l.spanId),
        logs.map(() => span.spanId),
        "every record, kept on the span or not, carries it"
      )
    })
  )

  it.effect("the buffer: the oldest dropped past its size, counted; pressure at half", () =>
    Effect.gen(function* () {
      const { spans, drops, pressure } = make({ maxSpans: 4 })
      for (let i = 0; i < 10; i++) yield* Effect.void.pipe(Effect.withSpan(`s${i}`), Effect.withTracer(spans.tracer))
      assert.strictEqual(pressure(), 1)
      assert.deepStrictEqual(
        spans.drain().map((s) => s.name),
        ["s6", "s7", "s8", "s9"]
      )
      assert.strictEqual(drops.get("span_buffer_full"), 6)
    })
  )

  it.effect("attributes and links past their caps are counted on the span", () =>
    Effect.gen(function* () {
      const { spans } = make({ maxAttributesPerSpan: 2, maxLinksPerSpan: 1 })
      const other = yield* Effect.currentSpan.pipe(Effect.withSpan("other"), Effect.withTracer(spans.tracer))
      yield* Effect.annotateCurrentSpan({ a: 1, b: 2, c: 3 }).pipe(
        Effect.withSpan("capped", {
          links: [
            { span: other, attributes: { why: "retry" } },
            { span: other, attributes: {} }
          ]
        }),
        Effect.withTracer(spans.tracer)
      )
      const capped = byName(spans.drain(), "capped")
      assert.deepStrictEqual(plain(capped.attributes), { a: 1, b: 2 })
      assert.strictEqual(capped.droppedAttributesCount, 1)
      assert.deepStrictEqual(
        capped.links.map((l) => [l.spanId, plain(l.attributes)]),
        [[other.spanId, { why: "retry" }]]
      )
      assert.strictEqual(capped.droppedLinksCount, 1)
    })
  )
  it.effect("encoded, a span's attributes are those it lists, in order, typed alike, the outcome's last", () =>
    Effect.gen(function* () {
      const { spans } = make()
      const values = {
        text: "mol",
        count: 3,
        ratio: 0.25,
        cached: false,
        small: 7n,
        huge: 2n ** 64n,
        nested: { a: [1, 2] },
        absent: undefined
      }
      const fiber = yield* Effect.never.pipe(
        Effect.withSpan("gt wait", { attributes: values }),
        Effect.withTracer(spans.tracer),
        Effect.forkChild
      )
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      const span = byName(spans.drain(), "gt wait")
      // Twice: the second copies the outcome's attributes as first written.
      const encoded = decodeTraces(
        Traces.tracesRequest([{ resource: [], scope: { name: "t", version: "0" }, spans: [span, span] }])
      )
      const [first, second] = encoded.resourceSpans[0]!.scopeSpans[0]!.spans
      const wire = first!.attributes
      assert.deepStrictEqual(second!.attributes, wire)
      const expected = {
        text: "mol",
        count: 3,
        ratio: 0.25,
        cached: false,
        small: 7,
        huge: String(2n ** 64n),
        nested: JSON.stringify(values.nested),
        [Resource.spanKeys.interrupted]: true
      }
      assert.deepStrictEqual(attributesOf(wire), expected)
      assert.deepStrictEqual(
        wire.map((kv) => kv.key),
        Object.keys(expected),
        "the span's own in the order set, then the outcome's"
      )
      assert.deepStrictEqual(attributeTypes(wire), {
        text: "string",
        count: "int",
        ratio: "double",
        cached: "bool",
        small: "int",
        huge: "string",
        nested: "string",
        [Resource.spanKeys.interrupted]: "bool"
      })
      assert.deepStrictEqual(plain(span.attributes), attributesOf(wire), "as the span lists them")
    })
  )
})

describe("Traces.requests", () => {
  const withEvents = (n: number): SpanData => ({
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    name: "s",
    kind: "internal",
    startTimeUnixNano: 0n,
    endTimeUnixNano: 1n,
    attributes: [],
    droppedAttributesCount: 0,
    events: Array.from({ length: n }, () => ({ name: "e", timeUnixNano: 0n, attributes: [] })),
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: "ok" }
  })

  it("at most 1,000 spans and events to a request, a span never split", () => {
    assert.deepStrictEqual(
      Traces.requests(Array.from({ length: 2_500 }, () => withEvents(0))).map((r) => r.length),
      [1_000, 1_000, 500]
    )
    assert.deepStrictEqual(
      Traces.requests(Array.from({ length: 20 }, () => withEvents(127))).map((r) => r.length),
      [7, 7, 6]
    )
    assert.deepStrictEqual(
      Traces.requests([withEvents(2_000), withEvents(0)]).map((r) => r.length),
      [1, 1]
    )
    assert.deepStrictEqual(Traces.requests([]), [])
  })
})
