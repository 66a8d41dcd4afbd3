/**
 * Durations as PromQL and the HTTP API spell them: `5m`, `1h30m`, `1m0s`, `250ms`, `1.5h`,
 * or plain seconds (`30`, `0.5`). Units: `ms`, `s`, `m`, `h`, `d`, `w`, `y` (365 days).
 *
 * @since 0.1.0
 */

const unitMs: { readonly [unit: string]: number } = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000
}

const part = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d|w|y)/
const plainSeconds = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Milliseconds of a duration, or `undefined` when `text` is not one. Plain numbers are
 * seconds; fractions of a millisecond are cut, as VictoriaMetrics does.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseMs = (text: string): number | undefined => {
  if (plainSeconds.test(text)) return Math.trunc(Number(text) * 1000)
  let rest = text
  let sign = 1
  if (rest.startsWith("-")) {
    sign = -1
    rest = rest.slice(1)
  }
  if (rest === "") return undefined
  let total = 0
  while (rest !== "") {
    const m = part.exec(rest)
    if (m === null) return undefined
    total += Number(m[1]) * unitMs[m[2]!]!
    rest = rest.slice(m[0].length)
  }
  return sign * Math.trunc(total)
}
