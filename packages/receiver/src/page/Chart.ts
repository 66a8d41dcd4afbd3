/**
 * A time series panel drawn with uPlot, styled as the Grafana panel is: stacked bars (counts
 * per interval), lines (quantiles) or steps (a last value carried forward), a colour per
 * series from Grafana's classic palette, values in the panel's unit.
 *
 * @since 0.1.0
 */
import uPlot from "uplot"
import "uplot/dist/uPlot.min.css"
import type * as Api from "./Api.ts"
import * as Dom from "./Dom.ts"

/**
 * Grafana's classic palette.
 *
 * @since 0.1.0
 * @category style
 */
export const palette: ReadonlyArray<string> = [
  "#7eb26d",
  "#eab839",
  "#6ed0e0",
  "#ef843c",
  "#e24d42",
  "#1f78c1",
  "#ba43a9",
  "#705da0",
  "#508642",
  "#cca300"
]

/**
 * Series on a common time axis (seconds); `null` where a series has no point.
 *
 * @since 0.1.0
 * @category models
 */
export interface Data {
  readonly xs: ReadonlyArray<number>
  readonly series: ReadonlyArray<{ readonly label: string; readonly values: ReadonlyArray<number | null> }>
}

type Style = Extract<Api.Panel, { kind: "timeseries" }>["style"]

const paths = {
  bars: uPlot.paths.bars!({ size: [0.7, 40], align: 0 }),
  lines: uPlot.paths.linear!(),
  steps: uPlot.paths.stepped!({ align: 1 })
}

const alpha = (hex: string, a: number) =>
  hex +
  Math.round(a * 255)
    .toString(16)
    .padStart(2, "0")

// Stacked bars: series i drawn at the sum of series 0..i, the tallest first so each shorter
// one is painted over it (what Grafana's normal stacking shows).
const stack = (data: Data): Data => {
  const sums = data.xs.map(() => 0)
  const stacked = data.series.map((s) => ({
    label: s.label,
    values: s.values.map((v, i) => (v === null ? null : (sums[i] = sums[i]! + v)))
  }))
  return { xs: data.xs, series: stacked.toReversed() }
}

/**
 * A drawn chart: redraw it with new data of the same series, or destroy it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Chart {
  readonly labels: string
  readonly plot: uPlot
  /** The values as given (not stacked), which the legend shows. */
  readonly shown: { data: Data }
}

/**
 * Draws `data` into `el` (replacing `previous` unless only the values changed) and records
 * on `el` what was drawn: `data-series` (series count) and `data-points` (points with a value).
 *
 * @since 0.1.0
 * @category drawing
 */
export const draw = (
  el: HTMLElement,
  previous: Chart | undefined,
  input: Data,
  style: Style,
  unit: string,
  size: { readonly width: number; readonly height: number }
): Chart => {
  const data = style === "bars" ? stack(input) : input
  const aligned: uPlot.AlignedData = [Float64Array.from(data.xs), ...data.series.map((s) => [...s.values])]
  const labels = JSON.stringify([style, unit, data.series.map((s) => s.label)])
  el.dataset["series"] = String(input.series.length)
  el.dataset["points"] = String(input.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0))
  if (previous !== undefined && previous.labels === labels) {
    previous.shown.data = input
    previous.plot.setData(aligned)
    previous.plot.setSize(size)
    return previous
  }
  previous?.plot.destroy()
  const count = data.series.length
  const shown = { data: input }
  // uPlot's series index (1-based) back to the input's series.
  const original = (index: number) => (style === "bars" ? count - index : index - 1)
  const plot = new uPlot(
    {
      ...size,
      series: [
        {},
        ...data.series.map((s, i) => {
          // Colours follow the original order, whatever the stacking did to it.
          const color = palette[original(i + 1) % palette.length]!
          return {
            label: s.label,
            stroke: color,
            width: style === "bars" ? 0 : 1.5,
            fill: alpha(color, style === "bars" ? 0.85 : 0.1),
            paths: paths[style],
            points: { show: style !== "bars" && data.xs.length < 60 },
            spanGaps: false,
            value: (_u: uPlot, _v: number | null, index: number, at: number | null) =>
              Dom.value(at === null ? null : shown.data.series[original(index)]?.values[at], unit)
          }
        })
      ],
      scales: { y: { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{}, { values: (_u: uPlot, ticks: Array<number>) => ticks.map((t) => Dom.value(t, unit)), size: 60 }],
      legend: { show: true, live: true },
      cursor: { points: { show: false } }
    },
    aligned,
    el
  )
  return { labels, plot, shown }
}
