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
import { latin1, Reader, splitNanos, WireError, WireType } from "../internal/Protobuf.ts"
import { attributesOf, decoding, keyValue } from "./AnyValue.ts"

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

// A series' identity as the sink receives it.
interface Labelled {
  readonly key: string
  readonly labels: ReadonlyArray<string>
}

// The label sets of one point's series: `pairs` holds the resource, scope and point labels
// in arrival order; `plain` is the series of a gauge or sum point, `derived` those with a
// suffix or an extra label (`_bucket{le}`, `{quantile}`, …).
interface PointLabels {
  readonly pairs: Pairs
  plain: Labelled | undefined
  readonly derived: Map<string, Labelled>
}

// Exporters repeat their series in every request. Per resource, scope and metric name, the
// label sets are cached by the bytes of a point's attribute fields: the same bytes decode to
// the same labels, so a point seen before is labelled without decoding its attributes.
const contexts = new Map<string, Map<string, PointLabels>>()
const cacheLimit = 200_000
let cached = 0

interface Metric {
  readonly name: string
  readonly sink: Sink
  readonly base: Pairs
  readonly points: Map<string, PointLabels>
}

// Where a point's attribute fields lie: usually one run of bytes; runs already closed
// (attributes interleaved with other fields) are kept in `before`.
interface Attributes {
  start: number
  end: number
  before: string
}

const noAttributes = (): Attributes => ({ start: -1, end: -1, before: "" })

const addAttribute = (attributes: Attributes, point: Reader) => {
  const fieldStart = point.fieldStart
  const { end } = point.bytesRange()
  if (attributes.start < 0) attributes.start = fieldStart
  else if (fieldStart !== attributes.end) {
    attributes.before += latin1(point.buf, attributes.start, attributes.end)
    attributes.start = fieldStart
  }
  attributes.end = end
}

// The point's attribute fields, tags included, as a string: the cache key. It is a valid
// message of those fields alone, which the first sight of it decodes.
const pointLabels = (metric: Metric, point: Reader, attributes: Attributes): PointLabels => {
  const key =
    attributes.start < 0 ? attributes.before : attributes.before + latin1(point.buf, attributes.start, attributes.end)
  let labels = metric.points.get(key)
  if (labels === undefined) {
    const pairs = metric.base.slice()
    const target = decoding(collect(pairs))
    const fields = new Reader(Buffer.from(key, "latin1"))
    while (fields.next()) keyValue(fields.message(), "", target)
    if (cached >= cacheLimit) {
      contexts.clear()
      cached = 0
    }
    labels = { pairs, plain: undefined, derived: new Map() }
    metric.points.set(key, labels)
    cached++
  }
  return labels
}

// The final label set of one sample: `__name__`, then `pairs` in order with `extra` last;
// empty values dropped, the last value of a name kept, sorted by name.
const finalLabels = (name: string, pairs: Pairs, extra: Pairs): Labelled => {
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

// One sample of the point's series named with `suffix`, with the extra label `extraName`
// (`le`, `vmrange`, `quantile`) unless it is empty.
const emitSample = (
  metric: Metric,
  point: PointLabels,
  suffix: string,
  extraName: string,
  extraValue: string,
  ms: number,
  value: number
) => {
  let series: Labelled | undefined
  if (suffix === "" && extraName === "") series = point.plain ??= finalLabels(metric.name, point.pairs, [])
  else {
    const key = `${suffix}\u0000${extraName}\u0000${extraValue}`
    series = point.derived.get(key)
    if (series === undefined) {
      series = finalLabels(metric.name + suffix, point.pairs, extraName === "" ? [] : [extraName, extraValue])
      point.derived.set(key, series)
      cached++
    }
  }
  metric.sink(series.key, series.labels, ms, value)
}

const formatted = new Map<number, string>()
// Bucket bounds and quantiles repeat in every point: format each once.
const formatLabel = (v: number): string => {
  let text = formatted.get(v)
  if (text === undefined) {
    text = formatFloat(v)
    if (formatted.size < 10_000) formatted.set(v, text)
  }
  return text
}

const timeMs = (r: Reader): number => {
  const { lo, hi } = r.fixed64Parts()
  return splitNanos(lo, hi).ms
}

const numberPoint = (metric: Metric, point: Reader) => {
  const attributes = noAttributes()
  let ms = 0
  let value = 0
  let flags = 0
  while (point.next()) {
    switch (point.field) {
      case 7:
        addAttribute(attributes, point)
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
  emitSample(metric, pointLabels(metric, point, attributes), "", "", "", ms, flags & 1 ? staleNaN : value)
}

// What histogram, exponential histogram and summary points share: time (3), count (4) and
// sum (5), and attributes and flags at field numbers of each kind's own.
interface Aggregate {
  readonly attributes: Attributes
  ms: number
  count: number
  sum: number | undefined
  flags: number
}

const aggregate = (sum: number | undefined): Aggregate => ({
  attributes: noAttributes(),
  ms: 0,
  count: 0,
  sum,
  flags: 0
})

// Reads the reader's current field into `into` when it is one of those; false otherwise.
const aggregateField = (point: Reader, into: Aggregate, attributesField: number, flagsField: number): boolean => {
  switch (point.field) {
    case attributesField:
      addAttribute(into.attributes, point)
      return true
    case 3:
      into.ms = timeMs(point)
      return true
    case 4:
      into.count = point.fixed64()
      return true
    case 5:
      into.sum = point.double()
      return true
    case flagsField:
      into.flags = point.uint32()
      return true
    default:
      return false
  }
}

// The point's `_count` and `_sum` samples; the rest of its samples share its labels and time,
// and are marked stale alike.
const countAndSum = (metric: Metric, point: Reader, a: Aggregate) => {
  const labels = pointLabels(metric, point, a.attributes)
  const stale = (v: number) => (a.flags & 1 ? staleNaN : v)
  emitSample(metric, labels, "_count", "", "", a.ms, stale(a.count))
  if (a.sum !== undefined) emitSample(metric, labels, "_sum", "", "", a.ms, stale(a.sum))
  return { labels, stale }
}

const histogramPoint = (metric: Metric, point: Reader) => {
  // `sum` is optional in a histogram point: absent, there is no `_sum`.
  const a = aggregate(undefined)
  const counts: Array<number> = []
  const bounds: Array<number> = []
  while (point.next()) {
    if (aggregateField(point, a, 9, 10)) continue
    switch (point.field) {
      case 6:
        point.repeated64((view, at) =>
          counts.push(view.getUint32(at + 4, true) * 4294967296 + view.getUint32(at, true))
        )
        break
      case 7:
        point.repeated64((view, at) => bounds.push(view.getFloat64(at, true)))
        break
      default:
        point.skip()
    }
  }
  if (counts.length === 0 || counts.length !== bounds.length + 1) return
  const { labels, stale } = countAndSum(metric, point, a)
  let cumulative = 0
  for (let i = 0; i < bounds.length; i++) {
    cumulative += counts[i]!
    emitSample(metric, labels, "_bucket", "le", formatLabel(bounds[i]!), a.ms, stale(cumulative))
  }
  cumulative += counts[counts.length - 1]!
  emitSample(metric, labels, "_bucket", "le", "+Inf", a.ms, stale(cumulative))
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

const exponentialPoint = (metric: Metric, point: Reader) => {
  const a = aggregate(undefined)
  let scale = 0
  let zeroCount = 0
  let zeroThreshold = 0
  let positive = { offset: 0, counts: [] as Array<number> }
  let negative = { offset: 0, counts: [] as Array<number> }
  while (point.next()) {
    if (aggregateField(point, a, 1, 10)) continue
    switch (point.field) {
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
      case 14:
        zeroThreshold = point.double()
        break
      default:
        point.skip()
    }
  }
  const { labels, stale } = countAndSum(metric, point, a)
  const { ms } = a
  const range = (lower: number, upper: number) => `${formatExp3(lower)}...${formatExp3(upper)}`
  if (zeroCount > 0)
    emitSample(metric, labels, "_bucket", "vmrange", range(-zeroThreshold, zeroThreshold), ms, stale(zeroCount))
  const ratio = Math.pow(2, -scale)
  const growth = Math.pow(2, ratio)
  const side = (b: { offset: number; counts: Array<number> }, sign: 1 | -1) => {
    const start = Math.pow(2, b.offset * ratio)
    b.counts.forEach((n, i) => {
      if (n <= 0) return
      const lower = start * Math.pow(growth, i)
      const upper = lower * growth
      const label = sign === 1 ? range(lower, upper) : range(-upper, -lower)
      emitSample(metric, labels, "_bucket", "vmrange", label, ms, stale(n))
    })
  }
  side(positive, 1)
  side(negative, -1)
}

const summaryPoint = (metric: Metric, point: Reader) => {
  // A summary's `sum` is a plain double: absent on the wire, it is 0 and still a sample.
  const a = aggregate(0)
  const quantiles: Array<[number, number]> = []
  while (point.next()) {
    if (aggregateField(point, a, 7, 8)) continue
    if (point.field !== 6) {
      point.skip()
      continue
    }
    const q = point.message()
    let quantile = 0
    let value = 0
    while (q.next()) {
      if (q.field === 1) quantile = q.double()
      else if (q.field === 2) value = q.double()
      else q.skip()
    }
    quantiles.push([quantile, value])
  }
  const { labels, stale } = countAndSum(metric, point, a)
  for (const [quantile, value] of quantiles) {
    emitSample(metric, labels, "", "quantile", formatLabel(quantile), a.ms, stale(value))
  }
}

type PointDecoder = (metric: Metric, point: Reader) => void

// Gauge (5), Sum (7), Histogram (9), ExponentialHistogram (10), Summary (11): each a list
// of data points in its field 1.
const pointDecoders: Record<number, PointDecoder> = {
  5: numberPoint,
  7: numberPoint,
  9: histogramPoint,
  10: exponentialPoint,
  11: summaryPoint
}

// `context` identifies `base`, the resource and scope labels.
const metric = (m: Reader, base: Pairs, context: string, sink: Sink) => {
  let name: string | undefined
  const data: Array<[number, Reader]> = []
  while (m.next()) {
    if (m.field === 1) name = m.string()
    else if (pointDecoders[m.field] !== undefined && m.wire === WireType.bytes) data.push([m.field, m.message()])
    else m.skip()
  }
  if (name === undefined) throw new WireError("a metric without a name")
  const key = `${context}\u0001${name}`
  let points = contexts.get(key)
  if (points === undefined) {
    contexts.set(key, (points = new Map()))
    cached++
  }
  const target: Metric = { name, sink, base, points }
  for (const [kind, body] of data) {
    const decode = pointDecoders[kind]!
    while (body.next()) {
      if (body.field === 1 && body.wire === WireType.bytes) decode(target, body.message())
      else body.skip()
    }
  }
}

// Length-prefixed, so no two lists of strings read the same.
const contextKey = (pairs: Pairs) => {
  let key = ""
  for (const part of pairs) key += `${part.length}:${part}\u0000`
  return key
}

const scopeLabels = (scope: Reader, into: Pairs) => {
  let name = "unknown"
  let version = "unknown"
  const attributes: Pairs = []
  while (scope.next()) {
    if (scope.field === 1) name = scope.string()
    else if (scope.field === 2) version = scope.string()
    else if (scope.field === 3 && scope.wire === WireType.bytes)
      keyValue(scope.message(), "scope.attributes", decoding(collect(attributes)))
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
      if (rm.field === 1 && rm.wire === WireType.bytes) attributesOf(rm.message(), 1, "", decoding(collect(resource)))
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
      const context = contextKey(base)
      for (const m of metrics) metric(m, base, context, sink)
    }
  }
}
