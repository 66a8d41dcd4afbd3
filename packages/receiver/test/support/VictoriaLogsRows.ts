// Log rows as VictoriaLogs keeps OTLP log records (app/vlinsert/opentelemetry): the body is
// `_msg`, attributes and resource attributes are fields under their dotted names, the resource
// attributes are also the stream fields (`_stream` lists them sorted by name), `severity` is the
// severity text, trace and span ids are `trace_id` / `span_id`. Records come from the catalogue's
// own derivation (Derive.logRecord), so field names are never spelled here.
import { type Catalogue, type Correlation, Derive, Resource } from "@gastown-otel/schema"
import { createHash } from "node:crypto"
import type { LogRow } from "../../src/logs/LogRow.ts"
import { formatTime } from "../../src/logsql/internal/time.ts"

export type Service = keyof typeof Resource.serviceNames

export const resourceOf = (service: Service): Record<string, string> => ({
  [Resource.keys.serviceName]: Resource.serviceNames[service],
  [Resource.keys.serviceVersion]: "0.1.0",
  [Resource.keys.hostName]: "host-1"
})

export const streamOf = (resource: Record<string, string>): string =>
  `{${Object.keys(resource)
    .toSorted()
    .map((k) => `${k}=${JSON.stringify(resource[k])}`)
    .join(",")}}`

const streamIds = new Map<string, string>()
const streamId = (stream: string): string => {
  let id = streamIds.get(stream)
  if (id === undefined) {
    id = createHash("sha256").update(stream).digest("hex").slice(0, 48)
    streamIds.set(stream, id)
  }
  return id
}

/** A row with the given resource, body and other fields. */
export const row = (
  timeNs: bigint,
  resource: Record<string, string>,
  msg: string,
  fields: Record<string, string> = {}
): LogRow => {
  const stream = streamOf(resource)
  return {
    timeNs,
    fields: {
      ...resource,
      ...fields,
      _msg: msg,
      _time: formatTime(timeNs),
      _stream: stream,
      _stream_id: streamId(stream)
    }
  }
}

/** The row VictoriaLogs stores for one catalogue event emitted with the given labels. */
export const fromEvent = (
  timeNs: bigint,
  service: Service,
  event: Catalogue.Event,
  context: Correlation.Labels,
  trace?: { readonly traceId: string; readonly spanId: string }
): LogRow => {
  const record = Derive.logRecord(event, context)
  const fields: Record<string, string> = { severity: record.severity }
  for (const a of record.attributes) fields[a.key] = String(a.value)
  if (trace !== undefined) {
    fields["trace_id"] = trace.traceId
    fields["span_id"] = trace.spanId
  }
  return row(timeNs, resourceOf(service), record.body, fields)
}
