/**
 * What a capture server received, decoded with the independent OTLP decoder: the raw
 * decoded metrics, points and log records, and flat views of them (one entry per point or
 * record, with its resource's `service.name`).
 *
 * @since 0.1.0
 */
import { Catalogue, Resource } from "@gastown-otel/schema"
import type { Captured, CaptureServer } from "./CaptureServer.ts"
import * as Endpoints from "./Endpoints.ts"
import {
  attributesOf,
  type DecodedLogRecord,
  type DecodedMetric,
  type DecodedResource,
  decodeLogs,
  decodeMetrics,
  idHex
} from "./OtlpDecode.ts"

/**
 * Attribute values by key.
 *
 * @since 0.1.0
 * @category models
 */
export type Attributes = Record<string, string | number | boolean>

/**
 * One log record, flattened.
 *
 * @since 0.1.0
 * @category models
 */
export interface Log {
  readonly service: unknown
  readonly body: string | undefined
  readonly severityNumber: number | undefined
  readonly severityText: string | undefined
  readonly attributes: Attributes
  readonly traceId: string | undefined
  readonly spanId: string | undefined
}

/**
 * One metric point, flattened.
 *
 * @since 0.1.0
 * @category models
 */
export interface Point {
  readonly service: unknown
  readonly metric: string | undefined
  readonly attributes: Attributes
  /** A sum or gauge point's value, a histogram point's count. */
  readonly value: number
}

/**
 * The requests to `path`, a resent batch once: what a backend that keeps batch ids stores (the
 * exporter delivers at least once, every attempt with the same `x-gastown-otel-batch`).
 *
 * @since 0.1.0
 * @category received
 */
export const requests = (server: CaptureServer, path: string): ReadonlyArray<Captured> => {
  const seen = new Set<string>()
  return server.byPath(path).filter((request) => {
    const batch = request.headers[Endpoints.batchHeader]
    if (typeof batch !== "string") return true
    if (seen.has(batch)) return false
    seen.add(batch)
    return true
  })
}

const serviceOf = (resource: DecodedResource | undefined) =>
  attributesOf(resource?.attributes ?? [])[Resource.keys.serviceName]

/**
 * Every metric of every request to the metrics path.
 *
 * @since 0.1.0
 * @category received
 */
export const metrics = (server: CaptureServer): ReadonlyArray<DecodedMetric> =>
  requests(server, Endpoints.paths.metrics).flatMap((r) =>
    decodeMetrics(r.body).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))
  )

/**
 * Every log record of every request to the logs path.
 *
 * @since 0.1.0
 * @category received
 */
export const logRecords = (server: CaptureServer): ReadonlyArray<DecodedLogRecord> =>
  requests(server, Endpoints.paths.logs).flatMap((r) =>
    decodeLogs(r.body).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords))
  )

/**
 * The decoded log records whose body is the event `name`.
 *
 * @since 0.1.0
 * @category received
 */
export const recordsOf = (server: CaptureServer, name: Catalogue.EventName): ReadonlyArray<DecodedLogRecord> =>
  logRecords(server).filter((r) => r.body?.stringValue === name)

/**
 * Every decoded data point of the metric `name`, from every request.
 *
 * @since 0.1.0
 * @category received
 */
export const pointsOf = (server: CaptureServer, name: string) =>
  metrics(server)
    .filter((m) => m.name === name)
    .flatMap((m) => [...(m.sum?.dataPoints ?? []), ...(m.gauge?.dataPoints ?? []), ...(m.histogram?.dataPoints ?? [])])

/**
 * A number point's value, or a histogram point's count.
 *
 * @since 0.1.0
 * @category received
 */
export const valueOf = (point: ReturnType<typeof pointsOf>[number]): number =>
  "bucketCounts" in point ? Number(point.count) : Number(point.asInt ?? point.asDouble)

/**
 * Every log record, flattened.
 *
 * @since 0.1.0
 * @category received
 */
export const logs = (server: CaptureServer): ReadonlyArray<Log> =>
  requests(server, Endpoints.paths.logs).flatMap((request) =>
    decodeLogs(request.body).resourceLogs.flatMap((resourceLogs) => {
      const service = serviceOf(resourceLogs.resource)
      return resourceLogs.scopeLogs.flatMap((scope) =>
        scope.logRecords.map((record) => ({
          service,
          body: record.body?.stringValue,
          severityNumber: record.severityNumber,
          severityText: record.severityText,
          attributes: attributesOf(record.attributes),
          traceId: idHex(record.traceId),
          spanId: idHex(record.spanId)
        }))
      )
    })
  )

/**
 * Every metric point, flattened.
 *
 * @since 0.1.0
 * @category received
 */
export const points = (server: CaptureServer): ReadonlyArray<Point> =>
  requests(server, Endpoints.paths.metrics).flatMap((request) =>
    decodeMetrics(request.body).resourceMetrics.flatMap((resourceMetrics) => {
      const service = serviceOf(resourceMetrics.resource)
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          [
            ...(metric.sum?.dataPoints ?? []),
            ...(metric.gauge?.dataPoints ?? []),
            ...(metric.histogram?.dataPoints ?? [])
          ].map((point) => ({
            service,
            metric: metric.name,
            attributes: attributesOf(point.attributes),
            value: valueOf(point)
          }))
        )
      )
    })
  )

/**
 * The catalogue's name of a metric of `event`, so no test spells one.
 *
 * @since 0.1.0
 * @category received
 */
export const metricName = (event: Catalogue.EventName, kind: Catalogue.Metric["kind"], value?: string): string => {
  const metric = Catalogue.metrics.find(
    (m) => m.event === event && m.kind === kind && (value === undefined || m.value === value)
  )
  if (metric === undefined) throw new Error(`no ${kind} of ${event} in the catalogue`)
  return metric.name
}
