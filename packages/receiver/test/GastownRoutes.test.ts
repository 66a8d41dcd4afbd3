// The page's routes over HTTP, with spans and records posted as OTLP encoded by the official
// protos: the panel list served is the one the Grafana dashboards are rendered from; recent
// traces newest first and narrowed by rig/role/agent; one trace in tree order with its
// records; agents counted; the change feed; the page and its bundle.
import { Ports } from "@gastown-otel/testkit"
import { assert, describe, it, layer } from "@effect/vitest"
import { Annotations, GtEvents, Resource } from "@gastown-otel/schema"
import { Dashboards } from "@gastown-otel/stack"
import { Context, Effect, Layer } from "effect"
import { expectTypeOf } from "vitest"
import type * as Check from "../src/check/Check.ts"
import * as path from "node:path"
import type * as Api from "../src/page/Api.ts"
import * as Serve from "../src/Serve.ts"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"
import * as Official from "./support/Official.ts"
import * as Receiver from "./support/Receiver.ts"

const bdCall = Annotations.eventSpec(GtEvents.BdCall)!.name
const sessionStart = Annotations.eventSpec(GtEvents.SessionStart)!.name
const { gt, bd } = Resource.serviceNames

const nowMs = Date.now()
const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, "0")
const b64 = (h: string) => Buffer.from(h, "hex").toString("base64")

interface SpanSpec {
  readonly trace: string
  readonly span: string
  readonly parent?: string
  readonly name: string
  readonly service: string
  readonly startMs: number
  readonly endMs: number
  readonly labels?: Record<string, string>
  readonly error?: string
}

const traces = (spans: ReadonlyArray<SpanSpec>) =>
  Official.encodeTraces({
    resourceSpans: spans.map((s) => ({
      resource: { attributes: Official.attributes({ [Resource.keys.serviceName]: s.service }) },
      scopeSpans: [
        {
          scope: { name: "test" },
          spans: [
            {
              traceId: b64(s.trace),
              spanId: b64(s.span),
              ...(s.parent === undefined ? {} : { parentSpanId: b64(s.parent) }),
              name: s.name,
              kind: 1,
              startTimeUnixNano: Official.nanos(s.startMs),
              endTimeUnixNano: Official.nanos(s.endMs),
              attributes: Official.attributes(s.labels ?? {}),
              status: s.error === undefined ? { code: 1 } : { code: 2, message: s.error }
            }
          ]
        }
      ]
    }))
  })

interface RecordSpec {
  readonly ms: number
  readonly service: string
  readonly body: string
  readonly severity: "INFO" | "ERROR"
  readonly labels: Record<string, string>
  readonly trace?: string
  readonly span?: string
}

const logs = (records: ReadonlyArray<RecordSpec>) =>
  Official.encodeLogs({
    resourceLogs: records.map((r) => ({
      resource: { attributes: Official.attributes({ [Resource.keys.serviceName]: r.service }) },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: Official.nanos(r.ms),
              severityText: r.severity,
              body: Official.anyValue(r.body),
              attributes: Official.attributes(r.labels),
              ...(r.trace === undefined ? {} : { traceId: b64(r.trace), spanId: b64(r.span!) })
            }
          ]
        }
      ]
    }))
  })

const jana = { "gt.rig": "mol", "gt.role": "mol/polecats/jana", "gt.agent": "jana" }
const toast = { "gt.rig": "wasp", "gt.agent": "toast" }
const slingTrace = hex(1, 16)
const statusTrace = hex(2, 16)
const [sling, slingBd, bdShow, status, statusBd] = [1, 2, 3, 4, 5].map((n) => hex(n, 8)) as [
  string,
  string,
  string,
  string,
  string
]

const spans: ReadonlyArray<SpanSpec> = [
  {
    trace: slingTrace,
    span: sling,
    name: "gt sling",
    service: gt,
    startMs: nowMs - 10_000,
    endMs: nowMs - 9_000,
    labels: jana,
    error: "bd show failed"
  },
  {
    trace: slingTrace,
    span: slingBd,
    parent: sling,
    name: "bd show",
    service: gt,
    startMs: nowMs - 9_900,
    endMs: nowMs - 9_100,
    labels: jana
  },
  {
    trace: slingTrace,
    span: bdShow,
    parent: slingBd,
    name: "bd show",
    service: bd,
    startMs: nowMs - 9_800,
    endMs: nowMs - 9_200,
    labels: jana,
    error: "not found"
  },
  {
    trace: statusTrace,
    span: status,
    name: "gt status",
    service: gt,
    startMs: nowMs - 5_000,
    endMs: nowMs - 4_000,
    labels: toast
  },
  {
    trace: statusTrace,
    span: statusBd,
    parent: status,
    name: "bd list",
    service: gt,
    startMs: nowMs - 4_900,
    endMs: nowMs - 4_100,
    labels: toast
  }
]

const records: ReadonlyArray<RecordSpec> = [
  {
    ms: nowMs - 9_500,
    service: bd,
    body: "bd.command",
    severity: "ERROR",
    labels: jana,
    trace: slingTrace,
    span: bdShow
  },
  { ms: nowMs - 9_100, service: gt, body: bdCall, severity: "ERROR", labels: jana, trace: slingTrace, span: slingBd },
  { ms: nowMs - 4_100, service: gt, body: bdCall, severity: "INFO", labels: toast, trace: statusTrace, span: statusBd },
  { ms: nowMs - 3_000, service: gt, body: sessionStart, severity: "INFO", labels: toast }
]

const getJson = <A>(url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, body: response.ok ? ((await response.json()) as A) : undefined }
  })

describe("the page's routes", () => {
  layer(Receiver.layer({}, Serve.routes), { excludeTestServices: true })((it) => {
    it.effect("serve the panel list the Grafana dashboards are rendered from", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const served = (yield* getJson<Api.Dashboards>(`${receiver.metricsUrl}/api/gastown/dashboards`)).body!
        const grafana = Dashboards.all().map((d) => ({
          uid: d.uid,
          panels: (d["panels"] as ReadonlyArray<Record<string, any>>)
            .filter((p) => p["type"] !== "row")
            .map((p) => [p["title"], p["type"], p["targets"].map((t: Record<string, string>) => t["expr"])])
        }))
        assert.deepStrictEqual(
          served.dashboards.map((d) => ({
            uid: d.uid,
            panels: d.sections.flatMap((s) =>
              s.panels.map((p) => [p.title, p.kind, p.kind === "logs" ? [p.expr] : p.targets.map((t) => t.expr)])
            )
          })),
          grafana
        )
        assert.deepStrictEqual(
          served.variables.map((v) => v.name),
          ["rig", "role", "agent"]
        )
      })
    )

    it.effect("list recent traces newest first, summed up by their root and narrowed by the variables", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const url = `${receiver.metricsUrl}/api/gastown/traces`
        assert.strictEqual(
          (yield* Receiver.post(receiver.metricsUrl + Server.paths.traces[0], traces(spans))).status,
          200
        )
        assert.strictEqual((yield* Receiver.post(receiver.logsUrl + Server.paths.logs[0], logs(records))).status, 200)
        const all = (yield* getJson<Api.Traces>(url)).body!.traces
        assert.deepStrictEqual(
          all.map((t) => [t.traceId, t.name, t.service, t.spans, t.errors, t.services.toSorted(), t.durationMs]),
          [
            [statusTrace, "gt status", gt, 2, 0, [gt], 1000],
            [slingTrace, "gt sling", gt, 3, 2, [bd, gt].toSorted(), 1000]
          ]
        )
        assert.deepStrictEqual(all[1]!.labels, { rig: "mol", role: "mol/polecats/jana", agent: "jana" })
        assert.deepStrictEqual(all[0]!.labels, { rig: "wasp", role: "", agent: "toast" })
        const ids = (query: string) =>
          Effect.map(getJson<Api.Traces>(`${url}?${query}`), (r) => r.body?.traces.map((t) => t.traceId))
        assert.deepStrictEqual(yield* ids("rig=mol"), [slingTrace])
        assert.deepStrictEqual(yield* ids("rig=(mol|wasp)"), [statusTrace, slingTrace])
        // Anchored, as PromQL matches labels; a missing label reads as "".
        assert.deepStrictEqual(yield* ids("agent=jan"), [])
        assert.deepStrictEqual(yield* ids("role="), [statusTrace])
        assert.deepStrictEqual(yield* ids("limit=1"), [statusTrace])
        assert.strictEqual((yield* getJson(`${url}?rig=(`)).status, 400)
      })
    )

    it.effect("give one trace depth first with its records, each tied to its span", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const trace = (yield* getJson<Api.Trace>(`${receiver.metricsUrl}/api/gastown/traces/${slingTrace}`)).body!
        assert.deepStrictEqual(
          trace.spans.map((s) => [s.spanId, s.depth, s.resource[Resource.keys.serviceName]]),
          [
            [sling, 0, gt],
            [slingBd, 1, gt],
            [bdShow, 2, bd]
          ]
        )
        assert.deepStrictEqual(
          trace.logs.map((l) => [l.spanId, l.fields["_msg"]]),
          [
            [bdShow, "bd.command"],
            [slingBd, bdCall]
          ]
        )
        assert.strictEqual((yield* getJson(`${receiver.metricsUrl}/api/gastown/traces/${hex(9, 16)}`)).status, 404)
      })
    )

    it.effect("count per agent: bd calls and their errors, sessions, errors, the last activity", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const url = `${receiver.metricsUrl}/api/gastown/agents?start=${nowMs - 60_000}&end=${nowMs}`
        const agents = (yield* getJson<Api.Agents>(url)).body!.agents
        assert.deepStrictEqual(agents, [
          {
            labels: { rig: "wasp", role: "", agent: "toast" },
            bdCalls: 1,
            bdErrors: 0,
            sessions: 1,
            errors: 0,
            records: 2,
            lastNs: Official.nanos(nowMs - 3_000),
            lastEvent: sessionStart
          },
          {
            labels: { rig: "mol", role: "mol/polecats/jana", agent: "jana" },
            bdCalls: 1,
            bdErrors: 1,
            sessions: 0,
            errors: 2,
            records: 2,
            lastNs: Official.nanos(nowMs - 9_100),
            lastEvent: bdCall
          }
        ])
        const narrowed = (yield* getJson<Api.Agents>(`${url}&rig=mol`)).body!.agents
        assert.deepStrictEqual(
          narrowed.map((a) => a.labels["agent"]),
          ["jana"]
        )
        const before = (yield* getJson<Api.Agents>(`${url.replace(/end=\d+/, `end=${nowMs - 9_200}`)}`)).body!.agents
        assert.deepStrictEqual(
          before.map((a) => [a.labels["agent"], a.records]),
          [["jana", 1]]
        )
        assert.strictEqual(
          (yield* getJson(`${receiver.metricsUrl}/api/gastown/agents?start=${nowMs + 1}&end=${nowMs}`)).status,
          400
        )
      })
    )

    it.effect("send a change event when the store changes", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const events = yield* Effect.promise(async () => {
          const controller = new AbortController()
          const response = await fetch(`${receiver.metricsUrl}/api/gastown/changes`, { signal: controller.signal })
          assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
          const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
          const next = async (): Promise<Api.Changes> => {
            let text = ""
            while (!text.includes("\n\n")) text += (await reader.read()).value ?? ""
            assert.match(text, /^event: change\ndata: /)
            return JSON.parse(text.split("data: ")[1]!.split("\n")[0]!) as Api.Changes
          }
          const first = await next()
          await fetch(receiver.logsUrl + Server.paths.logs[0], {
            method: "POST",
            body: logs([records[3]!]) as Uint8Array<ArrayBuffer>,
            headers: { "content-type": "application/x-protobuf" }
          })
          const second = await next()
          controller.abort()
          return [first, second] as const
        })
        assert.strictEqual(events[1].records, events[0].records + 1)
        assert.strictEqual(events[1].spans, events[0].spans)
      })
    )

    it.effect("serve the page, its script and style", () =>
      Effect.gen(function* () {
        const { receiver } = yield* Receiver.TestReceiver
        const get = (p: string) =>
          Effect.promise(async () => {
            const r = await fetch(receiver.metricsUrl + p)
            return { type: r.headers.get("content-type") ?? "", body: await r.text() }
          })
        const page = yield* get("/")
        assert.match(page.type, /^text\/html/)
        assert.include(page.body, '<script src="/page/app.js">')
        const script = yield* get("/page/app.js")
        assert.match(script.type, /^text\/javascript/)
        // uPlot is bundled in: nothing is fetched from elsewhere.
        assert.include(script.body, "uplot")
        assert.notMatch(script.body, /https?:\/\/(?!www\.w3\.org)[\w.-]+\//)
        assert.include((yield* get("/page/app.css")).body, ".uplot")
      })
    )
  })

  it("read the check's report in the shape the check writes it", () => {
    expectTypeOf<Check.Report>().toExtend<Api.CheckReport>()
  })

  it.live("mount the query APIs once when both ports are one", () =>
    Effect.gen(function* () {
      const port = yield* Ports.free
      const dataDir = path.join(yield* Receiver.tempDir, "data")
      const context = yield* Layer.build(
        Server.layer({ metricsPort: port, logsPort: port }, Serve.routes).pipe(Layer.provide(Store.layer({ dataDir })))
      )
      const url = Context.get(context, Server.Receiver).metricsUrl
      assert.strictEqual(url, Context.get(context, Server.Receiver).logsUrl)
      const answer = yield* Effect.promise(() => fetch(`${url}/select/logsql/query?query=*`).then((r) => r.status))
      assert.strictEqual(answer, 200)
    }).pipe(Effect.scoped)
  )
})
