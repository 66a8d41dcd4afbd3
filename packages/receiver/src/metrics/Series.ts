/**
 * The metrics data model, as VictoriaMetrics stores it: a series is a set of labels
 * (`__name__` among them), each with samples of (millisecond timestamp, float64 value).
 * The store produces these; the PromQL engine reads them through {@link SampleSource}.
 *
 * @since 0.1.0
 */

/**
 * A series' labels, `__name__` included, names as stored (`gt_rig`, not `gt.rig`).
 *
 * @since 0.1.0
 */
export type Labels = { readonly [name: string]: string }

/**
 * A label matcher as PromQL spells it: `=`, `!=`, `=~`, `!~`. Regular expressions are
 * anchored (they match the whole value), as in Prometheus and VictoriaMetrics.
 *
 * @since 0.1.0
 */
export interface Matcher {
  readonly name: string
  readonly op: "=" | "!=" | "=~" | "!~"
  readonly value: string
}

/**
 * The samples of one series within a time range, oldest first; `timestamps` are Unix
 * milliseconds, strictly increasing (one sample per millisecond, as VictoriaMetrics
 * deduplicates).
 *
 * @since 0.1.0
 */
export interface SeriesSamples {
  readonly labels: Labels
  readonly timestamps: ArrayLike<number>
  readonly values: ArrayLike<number>
}

/**
 * What the PromQL engine and the series/labels endpoints read.
 *
 * @since 0.1.0
 */
export interface SampleSource {
  /** Every series matching all `matchers` with samples in `[startMs, endMs]`, those samples only. */
  readonly select: (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => ReadonlyArray<SeriesSamples>
  /** The labels of every series matching all `matchers` that has samples in `[startMs, endMs]`. */
  readonly series: (matchers: ReadonlyArray<Matcher>, startMs: number, endMs: number) => ReadonlyArray<Labels>
}
