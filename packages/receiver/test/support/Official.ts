// Requests encoded by the official OTLP protobuf definitions shipped with
// `@opentelemetry/otlp-transformer` (its generated protobufjs root), which share no code
// with the receiver's decoder. Objects use protobufjs' JSON-ish form: camelCase fields,
// 64-bit integers as decimal strings, bytes as base64 strings.
import { type MessageType, metricsMessages, requests } from "@gastown-otel/testkit/OfficialProtos"

const encodeWith = (type: MessageType, object: unknown): Uint8Array => type.encode(type.fromObject(object)).finish()

export const encodeMetrics = (object: unknown) => encodeWith(requests.metrics, object)
export const encodeLogs = (object: unknown) => encodeWith(requests.logs, object)
export const encodeTraces = (object: unknown) => encodeWith(requests.traces, object)
/** One message of `opentelemetry.proto.metrics.v1` (`Metric`, `Sum`, `NumberDataPoint`, …). */
export const encodeMetricsMessage = (type: string, object: unknown) => encodeWith(metricsMessages[type]!, object)

export type Value = string | number | boolean | { readonly int: string } | { readonly bytes: string }

/** An OTLP `AnyValue` object: numbers are doubles, `{ int }` an int64, `{ bytes }` base64 bytes. */
export const anyValue = (value: Value | ReadonlyArray<Value> | { readonly kv: Record<string, Value> }): object => {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } }
  if (typeof value === "string") return { stringValue: value }
  if (typeof value === "number") return { doubleValue: value }
  if (typeof value === "boolean") return { boolValue: value }
  if ("int" in value) return { intValue: value.int }
  if ("bytes" in value) return { bytesValue: value.bytes }
  if ("kv" in value) return { kvlistValue: { values: attributes(value.kv) } }
  throw new Error("unreachable")
}

export const attributes = (
  record: Record<string, Value | ReadonlyArray<Value> | { readonly kv: Record<string, Value> }>
) => Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value) }))

/** Unix nanoseconds of a millisecond timestamp plus extra nanoseconds, as a decimal string. */
export const nanos = (ms: number, extraNs = 0): string => (BigInt(ms) * 1_000_000n + BigInt(extraNs)).toString()

/** A counter (a monotonic cumulative sum) named `name`: per resource (its attributes), its data points. */
export const encodeCounter = (
  name: string,
  batches: ReadonlyArray<{ readonly resource?: Record<string, Value>; readonly points: ReadonlyArray<object> }>
) =>
  encodeMetrics({
    resourceMetrics: batches.map(({ resource = {}, points }) => ({
      resource: { attributes: attributes(resource) },
      scopeMetrics: [{ metrics: [{ name, sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: points } }] }]
    }))
  })
