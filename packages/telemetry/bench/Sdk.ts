// The benches' peer: the OpenTelemetry JS SDK doing for an event what our recorder does, its
// instruments for the event's metrics (labelled as ours are) and a log record with the same
// attributes (unredacted, uncut), as an app would set it up; and, when spans are on, what our
// tracer does.
import { Catalogue, Correlation } from "@gastown-otel/schema"
import {
  type Attributes,
  type Meter,
  ROOT_CONTEXT,
  SpanStatusCode,
  type Tracer,
  trace,
  ValueType
} from "@opentelemetry/api"
import type { Logger } from "@opentelemetry/api-logs"
import * as Events from "./Events.ts"

/** The correlation labels that go on metric points. */
export const metricLabels: Attributes = Object.fromEntries(
  Correlation.metricKeys.map((k) => [k, Events.labels[k as keyof typeof Events.labels]])
)

/** The SDK instrument for a catalogue metric, as a function recording one value. */
export const instrument = (meter: Meter, m: Catalogue.Metric): ((value: number, attributes: Attributes) => void) => {
  const options = {
    description: m.description,
    unit: m.unit,
    valueType: m.valueType === "int" ? ValueType.INT : ValueType.DOUBLE
  }
  switch (m.kind) {
    case "counter": {
      const counter = meter.createCounter(m.name, options)
      return (v, a) => counter.add(v, a)
    }
    case "gauge": {
      const gauge = meter.createGauge(m.name, options)
      return (v, a) => gauge.record(v, a)
    }
    case "histogram": {
      const histogram = meter.createHistogram(m.name, {
        ...options,
        advice: { explicitBucketBoundaries: [...m.boundaries!] }
      })
      return (v, a) => histogram.record(v, a)
    }
  }
}

/** Records events of kind `name`: their metric values and a log record each; with `span`, each in a span of its own. */
export const recorder = (
  meter: Meter,
  logger: Logger,
  name: Catalogue.EventName,
  span?: { readonly tracer: Tracer; readonly name: string }
): ((event: Catalogue.Event) => void) => {
  const metricsOf = Catalogue.metrics.filter((m) => m.event === name)
  // The event's label fields: its metrics share them, and so one attributes object per event.
  const labelFields = [...new Set(metricsOf.flatMap((m) => m.labels))]
  const instruments = metricsOf.map((metric) => ({ metric, record: instrument(meter, metric) }))
  return (input) => {
    const event = input as unknown as Record<string, string | number | boolean>
    // As ours: the labels as the span's attributes, the log record also a span event, the span OK.
    const current = span?.tracer.startSpan(span.name, { attributes: Events.labels })
    const attributes: Attributes = { ...metricLabels }
    for (const label of labelFields) attributes[label] = String(event[label])
    for (const { metric, record } of instruments) {
      record(metric.value === undefined ? 1 : (event[metric.value] as number), attributes)
    }
    const { _tag, ...fields } = event
    const recordAttributes = { ...Events.labels, ...fields }
    logger.emit({
      body: _tag as string,
      severityNumber: event["status"] === "error" ? 17 : 9,
      severityText: event["status"] === "error" ? "ERROR" : "INFO",
      attributes: recordAttributes,
      ...(current === undefined ? {} : { context: trace.setSpan(ROOT_CONTEXT, current) })
    })
    if (current === undefined) return
    current.addEvent(_tag as string, recordAttributes)
    current.setStatus({ code: SpanStatusCode.OK })
    current.end()
  }
}
