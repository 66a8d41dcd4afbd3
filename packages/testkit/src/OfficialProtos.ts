/**
 * The official OTLP protobuf definitions, as `@opentelemetry/otlp-transformer` ships them (its
 * generated protobufjs root). They share no code with our encoder or the receiver's decoder, so
 * tests decode what was sent and encode what is received with them.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"

/**
 * A generated protobufjs message type.
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageType {
  readonly decode: (bytes: Uint8Array) => unknown
  readonly toObject: (message: unknown, options: object) => unknown
  readonly fromObject: (object: unknown) => unknown
  readonly encode: (message: unknown) => { finish: () => Uint8Array }
}

interface GeneratedRoot {
  readonly opentelemetry: {
    readonly proto: {
      readonly collector: {
        readonly metrics: { readonly v1: { readonly ExportMetricsServiceRequest: MessageType } }
        readonly logs: { readonly v1: { readonly ExportLogsServiceRequest: MessageType } }
        readonly trace: { readonly v1: { readonly ExportTraceServiceRequest: MessageType } }
      }
      readonly metrics: { readonly v1: Record<string, MessageType> }
    }
  }
}

const require = createRequire(import.meta.url)
// The package has no exports map, so the generated module is reachable by its subpath.
const root = require("@opentelemetry/otlp-transformer/build/src/generated/root.js") as GeneratedRoot

/**
 * The three export requests.
 *
 * @since 0.1.0
 * @category messages
 */
export const requests = {
  metrics: root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest,
  logs: root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest,
  traces: root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
}

/**
 * The messages of `opentelemetry.proto.metrics.v1` (`Metric`, `Sum`, `NumberDataPoint`, …).
 *
 * @since 0.1.0
 * @category messages
 */
export const metricsMessages = root.opentelemetry.proto.metrics.v1
