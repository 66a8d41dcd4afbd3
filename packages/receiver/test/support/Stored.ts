// Catalogue events as VictoriaMetrics and VictoriaLogs store them, derived with the
// catalogue's own functions (Derive.metricUpdates, Derive.logRecord): series labels named
// through Naming (histograms as cumulative _bucket{le}, _sum, _count), records with every
// value a string, empty values left out, the resource as the stream.
import { type Catalogue, Correlation, Derive, Naming, Resource } from "@gastown-otel/schema"
import { formatFloat, rfc3339Nano } from "../../src/internal/GoFormat.ts"
import type { LogRow } from "../../src/logs/LogRow.ts"
import type { Labels, SeriesSamples } from "../../src/metrics/Series.ts"

export const resource = (service: string): Record<string, string> => ({
  [Resource.keys.serviceName]: service,
  [Resource.keys.serviceVersion]: "0.1.0",
  [Resource.keys.hostName]: "vm"
})

export const labels: Correlation.Labels = { "gt.rig": "mol", "gt.role": "mol/witness", "gt.actor": "mol/witness" }

const stringOf = (value: string | number | boolean, type: Catalogue.AttributeType): string =>
  type === "double" ? formatFloat(value as number) : String(value)

export const streamOf = (fields: Record<string, string>): string =>
  `{${Object.keys(fields)
    .toSorted()
    .map((k) => `${k}=${JSON.stringify(fields[k])}`)
    .join(",")}}`

export const record = (
  event: Catalogue.Event,
  options: { readonly service: string; readonly timeMs: number; readonly context?: Correlation.Labels }
): LogRow => {
  const derived = Derive.logRecord(event, options.context ?? labels)
  const stream = resource(options.service)
  const fields: Record<string, string> = { ...stream }
  for (const a of derived.attributes) {
    const text = stringOf(a.value, a.type)
    if (text !== "") fields[a.key] = text
  }
  fields["_msg"] = derived.body
  fields["severity"] = derived.severity
  fields["_time"] = rfc3339Nano(options.timeMs, 0)
  fields["_stream"] = streamOf(stream)
  return { timeNs: BigInt(options.timeMs) * 1_000_000n, fields }
}

const resourceLabels = (service: string): Labels =>
  Object.fromEntries(Object.entries(resource(service)).map(([k, v]) => [Naming.promCompatibleLabel(k), v]))

// The series one metric update lands in, each with one sample at `timeMs`.
export const series = (
  event: Catalogue.Event,
  options: { readonly service: string; readonly timeMs: number; readonly context?: Correlation.Labels }
): ReadonlyArray<SeriesSamples> =>
  Derive.metricUpdates(event, options.context ?? labels).flatMap((update) => {
    const base: Record<string, string> = { ...resourceLabels(options.service) }
    update.metric.labelKeys.forEach((key, i) => {
      const value = update.labelValues[i]
      if (value !== undefined && value !== "") base[Naming.promCompatibleLabel(key)] = value
    })
    const sample = (name: string, extra: Labels, value: number): SeriesSamples => ({
      labels: { __name__: name, ...base, ...extra },
      timestamps: [options.timeMs],
      values: [value]
    })
    const [name, bucket, sum, count] = [Naming.promCompatible(update.metric.name), ...Naming.series(update.metric)]
    if (update.metric.kind !== "histogram") return [sample(name, {}, update.value)]
    const bounds = [...(update.metric.boundaries ?? []), Infinity]
    return [
      ...bounds.map((le) => sample(bucket!, { le: formatFloat(le) }, update.value <= le ? 1 : 0)),
      sample(sum!, {}, update.value),
      sample(count!, {}, 1)
    ]
  })
