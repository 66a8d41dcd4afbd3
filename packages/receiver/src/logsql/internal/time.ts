// Times and durations as VictoriaLogs reads them: durations like `1h30m` (lib/logstorage
// tryParseDuration), timestamps as RFC 3339, partial dates (`2024-01`), Unix seconds (or ms, µs,
// ns, told apart by magnitude), `now` and relative `5m` / `now-5m` (VictoriaMetrics'
// lib/timeutil ParseTimeAt). Times without a zone are UTC: the local zone of a server in a
// container. Everything is in nanoseconds as bigint.

export const second = 1_000_000_000n
const minute = 60n * second
const hour = 60n * minute
const day = 24n * hour

const units: ReadonlyArray<readonly [string, bigint]> = [
  ["µs", 1_000n],
  ["ms", 1_000_000n],
  ["ns", 1n],
  ["y", 365n * day],
  ["w", 7n * day],
  ["d", day],
  ["h", hour],
  ["m", minute],
  ["s", second]
]

const numberPrefix = /^[0-9._]+/

/** A duration such as `5m`, `1h30m`, `1.5d` or `-10s`, in nanoseconds; `undefined` if malformed. */
export const parseDuration = (input: string): bigint | undefined => {
  let s = input
  const negative = s.startsWith("-")
  if (negative) s = s.slice(1)
  if (s === "") return undefined
  let total = 0n
  while (s.length > 0) {
    const digits = numberPrefix.exec(s)?.[0]
    if (digits === undefined) return undefined
    const value = parseDecimal(digits.replaceAll("_", ""))
    if (value === undefined) return undefined
    s = s.slice(digits.length)
    const unit = units.find(([name]) => s.startsWith(name))
    if (unit === undefined) return undefined
    total += scale(value, unit[1])
    s = s.slice(unit[0].length)
  }
  return negative ? -total : total
}

// An exact decimal as integer digits and a power-of-ten divisor, so `1.5h` loses nothing.
interface Decimal {
  readonly digits: bigint
  readonly divisor: bigint
}

const parseDecimal = (s: string): Decimal | undefined => {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (m === null) return undefined
  const fraction = m[2] ?? ""
  return { digits: BigInt(m[1]! + fraction), divisor: 10n ** BigInt(fraction.length) }
}

const scale = (d: Decimal, unit: bigint): bigint => (d.digits * unit) / d.divisor

const daysFromCivil = (year: number, month: number, dayOfMonth: number): bigint =>
  BigInt(Date.UTC(year, month - 1, dayOfMonth)) / 1000n

// A fixed-layout date-time (`YYYY`, `YYYY-MM`, … `YYYY-MM-DDThh:mm:ss`) with an optional
// fraction of a second, as Unix nanoseconds in UTC.
const fixedLayout = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?$/

const parseLayout = (s: string): bigint | undefined => {
  const m = fixedLayout.exec(s)
  if (m === null) return undefined
  const [year, month, dayOfMonth, h, min, sec] = [1, 2, 3, 4, 5, 6].map((i) => (m[i] === undefined ? undefined : +m[i]))
  if (
    (month !== undefined && (month < 1 || month > 12)) ||
    (dayOfMonth !== undefined && (dayOfMonth < 1 || dayOfMonth > 31)) ||
    (h !== undefined && h > 23) ||
    (min !== undefined && min > 59) ||
    (sec !== undefined && sec > 59)
  ) {
    return undefined
  }
  const seconds =
    daysFromCivil(year!, month ?? 1, dayOfMonth ?? 1) + BigInt((h ?? 0) * 3600 + (min ?? 0) * 60 + (sec ?? 0))
  const fraction = (m[7] ?? "").padEnd(9, "0")
  return seconds * second + BigInt(fraction === "" ? 0 : +fraction)
}

// Unix time in seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude;
// a fraction is taken as more digits of the same unit.
const parseUnix = (s: string): bigint | undefined => {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(s)
  if (m === null) return undefined
  let fraction = m[2] ?? ""
  while (fraction.length % 3 !== 0) fraction += "0"
  let n = BigInt(m[1]!) * 10n ** BigInt(fraction.length) + (fraction === "" ? 0n : BigInt(fraction))
  if (m[1]!.startsWith("-") && fraction !== "") n = BigInt(m[1]!) * 10n ** BigInt(fraction.length) - BigInt(fraction)
  const limit = 1n << 31n
  if (n < limit && n >= -limit) return n * second
  if (n < 1000n * limit && n >= -1000n * limit) return n * 1_000_000n
  if (n < 1_000_000n * limit && n >= -1_000_000n * limit) return n * 1_000n
  return n
}

/** A point in time as the `start`, `end` and `time` parameters and `_time:[a, b)` accept it. */
export const parseTime = (input: string, nowNs: bigint): bigint | undefined => {
  if (input === "now") return nowNs
  let s = input
  let zoneNs = 0n
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(s)
  if (s.length > 6 && zone !== null) {
    const offset = BigInt(+zone[2]! * 3600 + +zone[3]! * 60) * second
    zoneNs = zone[1] === "+" ? -offset : offset
    s = s.slice(0, -6)
  }
  if (s.endsWith("Z")) s = s.slice(0, -1)
  const last = s.charCodeAt(s.length - 1)
  if ((s.length > 0 && last > 0x39) || s.startsWith("-") || s.startsWith("now")) {
    const d = parseDuration(s.startsWith("now") ? s.slice(3) : s)
    if (d === undefined) return undefined
    return nowNs - (d < 0n ? -d : d)
  }
  if (s.length !== 4 && !input.includes("-")) return parseUnix(input)
  const t = parseLayout(s)
  return t === undefined ? undefined : t + zoneNs
}

/**
 * The last nanosecond of the period a timestamp names: `2024-01` covers the month, `2024-01-02`
 * the day, `…T10:00` the minute (used for `_time:2024-01-02` and inclusive `]` ends).
 */
export const periodEnd = (startNs: bigint, text: string): bigint => {
  const bare = text.replace(/(Z|[+-]\d{2}:\d{2})$/, "")
  const date = new Date(Number(startNs / 1_000_000n))
  const addMonths = (n: number) =>
    BigInt(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + n, date.getUTCDate())) * 1_000_000n + (startNs % day)
  const layout = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{3})?)?)?)?)?)?$/.exec(bare)
  let end: bigint
  if (layout === null) end = startNs + 1n
  else if (layout[1] === undefined) end = addMonths(12)
  else if (layout[2] === undefined) end = addMonths(1)
  else if (layout[3] === undefined) end = startNs + day
  else if (layout[4] === undefined) end = startNs + hour
  else if (layout[5] === undefined) end = startNs + minute
  else if (layout[6] === undefined) end = startNs + second
  else end = startNs + 1_000_000n
  return end - 1n
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** RFC 3339 with nanoseconds, trailing zeros of the fraction dropped, as VictoriaLogs prints `_time`. */
export const formatTime = (ns: bigint): string => {
  let seconds = ns / second
  let fraction = ns % second
  if (fraction < 0n) {
    fraction += second
    seconds -= 1n
  }
  const d = new Date(Number(seconds) * 1000)
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
  if (fraction === 0n) return `${base}Z`
  return `${base}.${fraction.toString().padStart(9, "0").replace(/0+$/, "")}Z`
}

/** Parses what {@link formatTime} prints (any RFC 3339 time with an optional fraction). */
export const parseRfc3339 = (s: string): bigint | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})$/.exec(s)
  if (m === null) return undefined
  const t = parseLayout(m[1]!)
  if (t === undefined) return undefined
  if (m[2] === "Z") return t
  const sign = m[2]!.startsWith("+") ? -1n : 1n
  return t + sign * BigInt(+m[2]!.slice(1, 3) * 3600 + +m[2]!.slice(4, 6) * 60) * second
}
