/**
 * A few DOM helpers: elements from a tag, attributes and children, and small text formats.
 *
 * @since 0.1.0
 */

type Child = Node | string | null | undefined | false

/**
 * An element with attributes (`class`, `data-*`, `title`, …; `on*` functions become
 * listeners) and children (strings become text).
 *
 * @since 0.1.0
 * @category dom
 */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | ((event: Event) => void) | undefined>> = {},
  ...children: ReadonlyArray<Child | ReadonlyArray<Child>>
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    if (typeof value === "function") el.addEventListener(name.slice(2), value)
    else el.setAttribute(name, value === true ? "" : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child)
  }
  return el
}

/**
 * A local time with milliseconds, from Unix nanoseconds (a decimal string) or milliseconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const clock = (time: string | number): string => {
  const ms = typeof time === "string" ? Number(BigInt(time) / 1_000_000n) : time
  const d = new Date(ms)
  const pad = (n: number, w = 2) => String(n).padStart(w, "0")
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/**
 * How long ago a time was, in words ("12s ago", "3m ago").
 *
 * @since 0.1.0
 * @category formatting
 */
export const ago = (ms: number, nowMs: number = Date.now()): string => {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86400)}d ago`
}

/**
 * A duration in milliseconds, short ("850 µs", "12.3 ms", "1.52 s").
 *
 * @since 0.1.0
 * @category formatting
 */
export const duration = (ms: number): string =>
  ms < 1 ? `${Math.round(ms * 1000)} µs` : ms < 1000 ? `${+ms.toPrecision(3)} ms` : `${+(ms / 1000).toPrecision(3)} s`

/**
 * A value in a Grafana unit: `short` with K/M/G suffixes, `ms` as a duration, others with the
 * unit after the number.
 *
 * @since 0.1.0
 * @category formatting
 */
export const value = (v: number | null | undefined, unit: string): string => {
  if (v === null || v === undefined || Number.isNaN(v)) return "–"
  if (unit === "ms") return duration(v)
  const abs = Math.abs(v)
  const short =
    abs >= 1e9
      ? `${+(v / 1e9).toPrecision(3)}G`
      : abs >= 1e6
        ? `${+(v / 1e6).toPrecision(3)}M`
        : abs >= 1e3
          ? `${+(v / 1e3).toPrecision(3)}K`
          : `${+v.toPrecision(3)}`
  return unit === "short" || unit === "" ? short : `${short} ${unit}`
}
