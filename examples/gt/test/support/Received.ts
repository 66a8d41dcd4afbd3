// What a capture server received, decoded with the independent OTLP decoder into flat
// records: one per log record and one per metric point, each with its service.name.
import { TelemetryConfig } from "@gastown-otel/telemetry"
import type { CaptureServer } from "../../../../packages/telemetry/test/support/CaptureServer.ts"
import {
  attributesOf,
  decodeLogs,
  decodeMetrics,
  idHex
} from "../../../../packages/telemetry/test/support/OtlpDecode.ts"

type Attributes = Record<string, string | number | boolean>

export interface Log {
  readonly service: unknown
  readonly body: string | undefined
  readonly severityNumber: number | undefined
  readonly attributes: Attributes
  readonly traceId: string | undefined
}

export interface Point {
  readonly service: unknown
  readonly metric: string | undefined
  readonly attributes: Attributes
  /** A sum or gauge point's value, a histogram point's count. */
  readonly value: number
}

const metricsPath = new URL(TelemetryConfig.defaultUrls.metrics).pathname
const logsPath = new URL(TelemetryConfig.defaultUrls.logs).pathname

export const logs = (server: CaptureServer): ReadonlyArray<Log> =>
  server.byPath(logsPath).flatMap((request) =>
    decodeLogs(request.body).resourceLogs.flatMap((resourceLogs) => {
      const service = attributesOf(resourceLogs.resource?.attributes ?? [])["service.name"]
      return resourceLogs.scopeLogs.flatMap((scope) =>
        scope.logRecords.map((record) => ({
          service,
          body: record.body?.stringValue,
          severityNumber: record.severityNumber,
          attributes: attributesOf(record.attributes),
          traceId: idHex(record.traceId)
        }))
      )
    })
  )

export const points = (server: CaptureServer): ReadonlyArray<Point> =>
  server.byPath(metricsPath).flatMap((request) =>
    decodeMetrics(request.body).resourceMetrics.flatMap((resourceMetrics) => {
      const service = attributesOf(resourceMetrics.resource?.attributes ?? [])["service.name"]
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) => [
          ...[...(metric.sum?.dataPoints ?? []), ...(metric.gauge?.dataPoints ?? [])].map((point) => ({
            service,
            metric: metric.name,
            attributes: attributesOf(point.attributes),
            value: point.asDouble ?? Number(point.asInt ?? 0)
          })),
          ...(metric.histogram?.dataPoints ?? []).map((point) => ({
            service,
            metric: metric.name,
            attributes: attributesOf(point.attributes),
            value: Number(point.count ?? 0)
          }))
        ])
      )
    })
  )
