// The SDK's side of the export benches (Workload.ts): the OpenTelemetry JS SDK as an app sets
// it up (batch log and span processors, a periodic metric reader, OTLP/HTTP protobuf exporters),
// recording what ours records (Sdk.ts), until its providers have shut down.
import { Endpoints } from "@gastown-otel/schema"
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto"
import { resourceFromAttributes } from "@opentelemetry/resources"
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs"
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Sdk from "./Sdk.ts"
import * as Workload from "./Workload.ts"

const { paths } = Endpoints

const yieldToLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/**
 * `lossless` sizes the queues to hold the whole run and allows a request in flight per batch:
 * past its limit of concurrent requests (30) an exporter refuses a batch, and a processor
 * flushes every queued batch at once when shut down. Otherwise its defaults (queues of 2,048).
 */
export const run = async (options: Workload.Run & { readonly lossless: boolean }): Promise<void> => {
  const resource = resourceFromAttributes(Workload.resource)
  const limits = options.lossless ? { concurrencyLimit: Math.ceil(options.events / Workload.batch) + 1 } : {}
  const queue = {
    ...(options.lossless ? { maxQueueSize: options.events } : {}),
    maxExportBatchSize: Workload.batch,
    scheduledDelayMillis: Workload.exportIntervalMs
  }
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: options.url + paths.logs, ...limits }),
        ...queue
      })
    ]
  })
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: options.url + paths.metrics, ...limits }),
        exportIntervalMillis: Workload.exportIntervalMs
      })
    ]
  })
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url + paths.traces, ...limits }), queue)
    ]
  })
  const record = Sdk.recorder(meterProvider.getMeter("bench"), loggerProvider.getLogger("bench"), "bd.call", {
    tracer: tracerProvider.getTracer("bench"),
    name: Workload.spanName
  })
  for (let i = 0; i < options.events; i++) {
    record(Workload.events[i & Workload.mask]!)
    if (i % Workload.yieldEvery === Workload.yieldEvery - 1) await yieldToLoop()
  }
  options.measure?.()
  await Promise.all([loggerProvider.shutdown(), meterProvider.shutdown(), tracerProvider.shutdown()])
}
