/**
 * An OTLP `ExportMetricsServiceRequest` turned into samples the way VictoriaMetrics stores
 * it under the stack's flags (`-usePromCompatibleNaming`, scope metadata and every resource
 * attribute promoted, the defaults):
 *
 * - labels: resource attributes, then `scope.name`/`scope.version` (`unknown` when unset)
 *   and `scope.attributes.*` when the scope is present, then the point's attributes; names
 *   made Prometheus-compatible (`gt.rig` → `gt_rig`), empty values dropped, the last of
 *   duplicate names kept;
 * - gauges and sums (monotonic or not, cumulative or delta: temporality is not looked at,
 *   so delta points are raw samples) become one sample per point;
 * - histograms become `_count`, `_sum` (when sent), and cumulative `_bucket{le}` samples,
 *   `le` as Go prints floats and `+Inf` last; points without buckets, or with bucket
 *   counts that do not match the bounds, are skipped;
 * - exponential histograms become `_count`, `_sum` and `_bucket{vmrange}`;
 * - summaries become `_count`, `_sum` and `{quantile}` samples;
 * - timestamps are Unix milliseconds (nanoseconds floored); a point flagged "no recorded
 *   value" becomes a staleness NaN; exemplars, start times and metadata are ignored.
 *
 * @since 0.1.0
 */
import { Naming } from "@gastown-otel/schema"
import { formatExp3, formatFloat } from "../internal/GoFormat.ts"
import { Reader, splitNanos, WireError, WireType } from "../internal/Protobuf.ts"
import { attributesOf, keyValue } from "./AnyValue.ts"

/**
 * Receives one sample. `labels` are the series' labels as a flat `[name, value, …]` list
 * sorted by name, `__name__` included; `key` is a string that identifies that set.
 *
 * @since 0.1.0
 * @category models
 */
export type Sink = (key: string, labels: ReadonlyArray<string>, ms: number, value: number) => void

/**
 * Prometheus' staleness marker, what VictoriaMetrics stores for a point flagged as having
 * no recorded value.
 *
 * @since 0.1.0
 * @category constants
 */
export const staleNaN: number = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!

const labelNames = new Map<string, string>()
// Attribute keys repeat in every request: sanitise each once.
const labelName = (name: string): string => {
  let sanitized = labelNames.get(name)
  if (sanitized === undefined) {
    sanitized = Naming.promCompatibleLabel(name)
    if (labelNames.size < 100_000) labelNames.set(name, sanitized)
  }
  return sanitized
}

// Collected labels of the current point, in arrival order, as pushed by the decoders.
type Pairs = Array<string>

const collect =
  (pairs: Pairs) =>
  (name: string, value: string): void => {
    pairs.push(name, value)
  }

interface Metric {
  readonly name: string
  readonly sink: Sink
}

// The final label set of one sample: `__name__`, then `pairs` in order with `extra` last;
// empty values dropped, the last value of a name kept, sorted by name. Label sets repeat
// from request to request: the result is cached under the raw pairs.
const seriesCache = new Map<string, { readonly key: string; readonly labels: ReadonlyArray<string> }>()

const finalLabels = (name: string, pairs: Pairs, extra: Pairs) => {
  const byName = new Map<string, string>([["__name__", Naming.promCompatible(name)]])
  const add = (list: Pairs) => {
    for (let i = 0; i < list.length; i += 2) {
      const v = list[i + 1]!
      const label = labelName(list[i]!)
      if (v !== "" && label !== "__name__") byName.set(label, v)
    }
  }
  add(pairs)
  add(extra)
  const labels: Array<string> = []
  for (const label of [...byName.keys()].toSorted()) labels.push(label, byName.get(label)!)
  return { key: JSON.stringify(labels), labels }
}

const emitSample = (metric: Metric, suffix: string, pairs: Pairs, extra: Pairs, ms: number, value: number) => {
  const name = metric.name + suffix
  // Length-prefixed, so no two lists of strings read the same.
  let raw = `${name.length}:${name}`
  for (const part of pairs) raw += `\u0000${part.length}:${part}`
  raw += "\u0001"
  for (const part of extra) raw += `\u0000${part.length}:${part}`
  let series = seriesCache.get(raw)
  if (series === undefined) {
    series = finalLabels(name, pairs, extra)
    if (seriesCache.size >= 200_000) seriesCache.clear()
    seriesCache.set(raw, series)
  }
  metric.sink(series.key, series.labels, ms, value)
}

const timeMs = (r: Reader): number => {
  const { lo, hi } = r.fixed64Parts()
  return splitNanos(lo, hi).ms
}

const numberPoint = (metric: Metric, point: Reader, base: Pairs) => {
  const pairs = base.slice()
  const emit = collect(pairs)
  let ms = 0
  let value = 0
  let flags = 0
  while (point.next()) {
    switch (point.field) {
      case 7:
        keyValue(point.message(), "", emit)
        break
      case 3:
        ms = timeMs(point)
        break
      case 4:
        value = point.double()
        break
      case 6:
        value = point.sfixed64()
        break
      case 8:
        flags = point.uint32()
        break
      default:
        point.skip()
    }
  }
  emitSample(metric, "", pairs, [], ms, flags & 1 ? staleNaN : value)
}

const histogramPoint = (metric: Metric, point: Reader, base: Pairs) => {
  const pairs = base.slice()
  const emit = collect(pairs)
  let ms = 0
  let count = 0
  let sum: number | undefined
  let flags = 0
  const counts: Array<number> = []
  const bounds: Array<number> = []
  while (point.next()) {
    switch (point.field) {
      case 9:
        keyValue(point.message(), "", emit)
        break
      case 3:
        ms = timeMs(point)
        break
      case 4:
        count = point.fixed64()
        break
      case 5:
        sum = point.double()
        break
      case 6:
        point.repeated64((view, at) =>
          counts.push(view.getUint32(at + 4, true) * 4294967296 + view.getUint32(at, true))
        )
        break
      case 7:
        point.repeated64((view, at) => bounds.push(view.getFloat64(at, true)))
        break
      case 10:
        flags = point.uint32()
        break
      default:
        point.skip()
    }
  }
  if (counts.length === 0 || counts.length !== bounds.length + 1) return
  const stale = (v: number) => (flags & 1 ? staleNaN : v)
  emitSample(metric, "_count", pairs, [], ms, stale(count))
  if (sum !== undefined) emitSample(metric, "_sum", pairs, [], ms, stale(sum))
  let cumulative = 0
  for (let i = 0; i < bounds.length; i++) {
    cumulative += counts[i]!
    emitSample(metric, "_bucket", pairs, ["le", formatFloat(bounds[i]!)], ms, stale(cumulative))
  }
  cumulative += counts[counts.length - 1]!
  emitSample(metric, "_bucket", pairs, ["le", "+Inf"], ms, stale(cumulative))
}

const zigzag32 = (n: number) => (n >>> 1) ^ -(n & 1)

const buckets = (r: Reader): { offset: number; counts: Array<number> } => {
  let offset = 0
  const counts: Array<number> = []
  while (r.next()) {
    if (r.field === 1) offset = zigzag32(r.uint32())
    else if (r.field === 2) {
      if (r.wire === WireType.varint) counts.push(Number(r.varint64()))
      else {
        const packed = r.message()
        while (packed.pos < packed.end) counts.push(Number(packed.varint64()))
      }
    } else r.skip()
  }
  return { offset, counts }
}

const exponentialPoint = (metric: Metric, point: Reader, base: Pairs) => {
  const pairs = base.slice()
  const emit = collect(pairs)
  let ms = 0
  let count = 0
  let sum: number | undefined
  let scale = 0
  let zeroCount = 0
  let zeroThreshold = 0
  let flags = 0
  let positive = { offset: 0, counts: [] as Array<number> }
  let negative = { offset: 0, counts: [] as Array<number> }
  while (point.next()) {
    switch (point.field) {
      case 1:
        keyValue(point.message(), "", emit)
        break
      case 3:
        ms = timeMs(point)
        break
      case 4:
        count = point.fixed64()
        break
      case 5:
        sum = point.double()
        break
      case 6:
        scale = zigzag32(point.uint32())
        break
      case 7:
        zeroCount = point.fixed64()
        break
      case 8:
        positive = buckets(point.message())
        break
      case 9:
        negative = buckets(point.message())
        break
      case 10:
        flags = point.uint32()
        break
      case 14:
        zeroThreshold = point.double()
        break
      default:
        point.skip()
    }
  }
  const stale = (v: number) => (flags & 1 ? staleNaN : v)
  emitSample(metric, "_count", pairs, [], ms, stale(count))
  if (sum !== undefined) emitSample(metric, "_sum", pairs, [], ms, stale(sum))
  const range = (lower: number, upper: number) => `${formatExp3(lower)}...${formatExp3(upper)}`
  if (zeroCount > 0)
    emitSample(metric, "_bucket", pairs, ["vmrange", range(-zeroThreshold, zeroThreshold)], ms, stale(zeroCount))
  const ratio = Math.pow(2, -scale)
  const growth = Math.pow(2, ratio)
  const side = (b: { offset: number; counts: Array<number> }, sign: 1 | -1) => {
    const start = Math.pow(2, b.offset * ratio)
    b.counts.forEach((n, i) => {
      if (n <= 0) return
      const lower = start * Math.pow(growth, i)
      const upper = lower * growth
      const label = sign === 1 ? range(lower, upper) : range(-upper, -lower)
      emitSample(metric, "_bucket", pairs, ["vmrange", label], ms, stale(n))
    })
  }
  side(positive, 1)
  side(negative, -1)
}

const summaryPoint = (metric: Metric, point: Reader, base: Pairs) => {
  const pairs = base.slice()
  const emit = collect(pairs)
  let ms = 0
  let count = 0
  let sum = 0
  let flags = 0
  const quantiles: Array<[number, number]> = []
  while (point.next()) {
    switch (point.field) {
      case 7:
        keyValue(point.message(), "", emit)
        break
      case 3:
        ms = timeMs(point)
        break
      case 4:
        count = point.fixed64()
        break
      case 5:
        sum = point.double()
        break
      case 6: {
        const q = point.message()
        let quantile = 0
        let value = 0
        while (q.next()) {
          if (q.field === 1) quantile = q.double()
          else if (q.field === 2) value = q.double()
          else q.skip()
        }
        quantiles.push([quantile, value])
        break
      }
      case 8:
        flags = point.uint32()
        break
      default:
        point.skip()
    }
  }
  const stale = (v: number) => (flags & 1 ? staleNaN : v)
  emitSample(metric, "_count", pairs, [], ms, stale(count))
  emitSample(metric, "_sum", pairs, [], ms, stale(sum))
  for (const [quantile, value] of quantiles) {
    emitSample(metric, "", pairs, ["quantile", formatFloat(quantile)], ms, stale(value))
  }
}

type PointDecoder = (metric: Metric, point: Reader, base: Pairs) => void

// Gauge (5), Sum (7), Histogram (9), ExponentialHistogram (10), Summary (11): each a list
// of data points in its field 1.
const pointDecoders: Record<number, PointDecoder> = {
  5: numberPoint,
  7: numberPoint,
  9: histogramPoint,
  10: exponentialPoint,
  11: summaryPoint
}

const metric = (m: Reader, base: Pairs, sink: Sink) => {
  let name: string | undefined
  const data: Array<[number, Reader]> = []
  while (m.next()) {
    if (m.field === 1) name = m.string()
    else if (pointDecoders[m.field] !== undefined && m.wire === WireType.bytes) data.push([m.field, m.message()])
    else m.skip()
  }
  if (name === undefined) throw new WireError("a metric without a name")
  const target: Metric = { name, sink }
  for (const [kind, body] of data) {
    const decode = pointDecoders[kind]!
    while (body.next()) {
      if (body.field === 1 && body.wire === WireType.bytes) decode(target, body.message(), base)
      else body.skip()
    }
  }
}

const scopeLabels = (scope: Reader, into: Pairs) => {
  let name = "unknown"
  let version = "unknown"
  const attributes: Pairs = []
  while (scope.next()) {
    if (scope.field === 1) name = scope.string()
    else if (scope.field === 2) version = scope.string()
    else if (scope.field === 3 && scope.wire === WireType.bytes)
      keyValue(scope.message(), "scope.attributes", collect(attributes))
    else scope.skip()
  }
  into.push("scope.name", name, "scope.version", version, ...attributes)
}

/**
 * Decodes a request body, calling `sink` per sample. Throws `WireError` on malformed
 * protobuf before or after calling `sink`: callers decode fully before storing.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (body: Uint8Array, sink: Sink): void => {
  const request = new Reader(body)
  while (request.next()) {
    if (request.field !== 1 || request.wire !== WireType.bytes) {
      request.skip()
      continue
    }
    const rm = request.message()
    const resource: Pairs = []
    const scopes: Array<Reader> = []
    while (rm.next()) {
      if (rm.field === 1 && rm.wire === WireType.bytes) attributesOf(rm.message(), 1, "", collect(resource))
      else if (rm.field === 2 && rm.wire === WireType.bytes) scopes.push(rm.message())
      else rm.skip()
    }
    for (const sm of scopes) {
      const base = resource.slice()
      const metrics: Array<Reader> = []
      while (sm.next()) {
        if (sm.field === 1 && sm.wire === WireType.bytes) scopeLabels(sm.message(), base)
        else if (sm.field === 2 && sm.wire === WireType.bytes) metrics.push(sm.message())
        else sm.skip()
      }
      for (const m of metrics) metric(m, base, sink)
    }
  }
}
