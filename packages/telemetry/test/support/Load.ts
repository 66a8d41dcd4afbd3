// Many events through the live layer with the backend down, then what a later process
// sends: shared by the load test (`test/Telemetry.load.test.ts`, `npm run soak`) and the
// memory rows of `npm run bench` (`bench/export.ts`).
import { Catalogue, Endpoints, type SelfEvents, Resource } from "@gastown-otel/schema"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { CaptureServer } from "@gastown-otel/testkit"
import {
  attributesOf,
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  type DecodedSpan
} from "@gastown-otel/testkit/OtlpDecode"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

// Exposed by this project's vitest config and the bench's memory process (--expose-gc).
declare const gc: () => void

const selfMetric = Catalogue.metrics.find((m) => m.emitter === "telemetry")!.name

/** Events emitted per span when spans are on: the region a command's span covers, many times over. */
export const eventsPerSpan = 1_000

/** The live layer to a backend at `url`, exporting every 200 ms, spans too when `traces`. */
export const live = (url: string, stateDir: string, traces = false) =>
  Telemetry.layer({
    metricsUrl: url + Endpoints.paths.metrics,
    logsUrl: url + Endpoints.paths.logs,
    ...(traces ? { tracesUrl: url + Endpoints.paths.traces } : {}),
    resource: { [Resource.keys.serviceName]: Resource.serviceNames.gt },
    stateDir,
    exportInterval: "200 millis"
  })

export const nudge = (i: number): Catalogue.Event => ({ _tag: "nudge", target: `t${i}`, status: "ok" })

/** What is still reachable after a full collection. */
export const liveHeap = (): number => {
  gc()
  return process.memoryUsage().heapUsed
}

export interface Down {
  /** Live heap before the layer was built, at its peak (sampled every 50,000 events), and after it closed. */
  readonly heapBefore: number
  readonly heapPeak: number
  readonly heapAfter: number
  /** The spool on disk once the layer closed: files and bytes. */
  readonly spoolFiles: number
  readonly spoolBytes: number
  readonly seconds: number
}

/**
 * Emits `events` nudges as fast as they come with nothing listening at `url`; with `traces`,
 * in spans of {@link eventsPerSpan} events.
 */
export const emitWithBackendDown = Effect.fnUntraced(function* (options: {
  readonly events: number
  readonly url: string
  readonly stateDir: string
  readonly traces?: boolean
}) {
  const heapBefore = liveHeap()
  let heapPeak = heapBefore
  const started = performance.now()
  const one = (i: number) =>
    Effect.suspend(() => {
      if (i % 50_000 === 0) heapPeak = Math.max(heapPeak, liveHeap())
      return Telemetry.emit(nudge(i))
    })
  yield* Effect.gen(function* () {
    if (options.traces) {
      for (let start = 0; start < options.events; start += eventsPerSpan) {
        yield* Effect.gen(function* () {
          for (let i = start; i < Math.min(start + eventsPerSpan, options.events); i++) yield* one(i)
        }).pipe(Labels.withSpan("gt nudge"))
      }
    } else for (let i = 0; i < options.events; i++) yield* one(i)
  }).pipe(Effect.provide(live(options.url, options.stateDir, options.traces)))
  const seconds = (performance.now() - started) / 1000
  const spool = path.join(options.stateDir, "spool")
  const files = fs.readdirSync(spool).filter((f) => f.endsWith(".otlp"))
  return {
    heapBefore,
    heapPeak,
    heapAfter: liveHeap(),
    spoolFiles: files.length,
    spoolBytes: files.reduce((n, f) => n + fs.statSync(path.join(spool, f)).size, 0),
    seconds
  } satisfies Down
})

/** The emitted records that arrived (not the library's own drop reports), checked to be there once each. */
export const acceptedLogs = (server: CaptureServer.CaptureServer): number => {
  const targets = server
    .accepted(Endpoints.paths.logs)
    .flatMap((r) => decodeLogs(r.body).resourceLogs[0]!.scopeLogs[0]!.logRecords)
    .filter((l) => l.body?.stringValue === "nudge")
    .map((l) => String(attributesOf(l.attributes)["target"]))
  if (new Set(targets).size !== targets.length) throw new Error("a record arrived twice")
  return targets.length
}

/** The spans that arrived, checked to be there once each. */
export const acceptedSpans = (server: CaptureServer.CaptureServer): ReadonlyArray<DecodedSpan> => {
  const spans = server
    .accepted(Endpoints.paths.traces)
    .flatMap((r) => decodeTraces(r.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)))
  if (new Set(spans.map((s) => s.spanId)).size !== spans.length) throw new Error("a span arrived twice")
  return spans
}

/** The drops the library counted, by reason, as the last pushes of its own counter say. */
export const droppedCounted = (server: CaptureServer.CaptureServer): ReadonlyMap<SelfEvents.DropReason, number> => {
  const counted = new Map<SelfEvents.DropReason, number>()
  for (const request of server.accepted(Endpoints.paths.metrics)) {
    for (const m of decodeMetrics(request.body).resourceMetrics[0]!.scopeMetrics[0]!.metrics) {
      if (m.name !== selfMetric) continue
      for (const p of m.sum!.dataPoints) {
        const reason = attributesOf(p.attributes)["reason"] as SelfEvents.DropReason
        counted.set(reason, Math.max(counted.get(reason) ?? 0, Number(p.asInt)))
      }
    }
  }
  return counted
}

/** A later process with the backend back: sends the spool. */
export const sendSpool = (url: string, stateDir: string, traces = false) =>
  Telemetry.flush.pipe(Effect.provide(live(url, stateDir, traces)))
