// Output for people: aligned tables, sparklines, label sets, log records; colour only where
// the caller says the terminal renders it.
import { Correlation } from "@gastown-otel/schema"

const width = (s: string) => [...s].length

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)))
const padLeft = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s

// Columns two spaces apart, each as wide as its widest cell; `right` columns (numbers) are
// aligned right. No trailing spaces.
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  right: ReadonlySet<number> = new Set()
): Array<string> => {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (right.has(i) ? padLeft(c, widths[i]!) : i === cells.length - 1 ? c : pad(c, widths[i]!)))
      .join("  ")
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

const blocks = "▁▂▃▄▅▆▇█"

// One block per value, scaled between the smallest and the largest; a gap (no value, NaN,
// an infinity) is a space. More values than `maxWidth` are grouped, each group showing its
// largest value, so spikes stay visible.
export const sparkline = (values: ReadonlyArray<number | undefined>, maxWidth = 60): string => {
  const usable = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v)
  const group = Math.max(1, Math.ceil(values.length / maxWidth))
  const slots: Array<number | undefined> = []
  for (let i = 0; i < values.length; i += group) {
    const defined = values.slice(i, i + group).filter(usable)
    slots.push(defined.length === 0 ? undefined : Math.max(...defined))
  }
  const defined = slots.filter(usable)
  if (defined.length === 0) return " ".repeat(slots.length)
  const lo = Math.min(...defined)
  const hi = Math.max(...defined)
  return slots
    .map((v) => {
      if (v === undefined) return " "
      const level = hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (blocks.length - 1))
      return blocks[level]!
    })
    .join("")
}

// A number for a person: whole numbers as they are, others to six significant digits.
export const shortNumber = (n: number): string => {
  if (Number.isNaN(n)) return "NaN"
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf"
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n)
  return String(Number(n.toPrecision(6)))
}

const quoteIfNeeded = (value: string) => (value === "" || /[\s"=\\\p{Cc}]/u.test(value) ? JSON.stringify(value) : value)

// `name{a="b", c="d"}`: the metric name in front, the other labels sorted.
export const labelsText = (labels: Readonly<Record<string, string>>): string => {
  const name = labels["__name__"] ?? ""
  const rest = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .toSorted()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
  return rest.length === 0 && name !== "" ? name : `${name}{${rest.join(", ")}}`
}

// Labels equal on every one of several label sets, and the names that vary. One set has
// nothing in common to factor out.
export const splitCommon = (
  sets: ReadonlyArray<Readonly<Record<string, string>>>
): { readonly common: Record<string, string>; readonly varying: ReadonlyArray<string> } => {
  const names = [...new Set(sets.flatMap((s) => Object.keys(s)))].toSorted()
  if (sets.length < 2) return { common: {}, varying: names }
  const common: Record<string, string> = {}
  const varying: Array<string> = []
  for (const name of names) {
    const first = sets[0]![name]
    if (first !== undefined && sets.every((s) => s[name] === first)) common[name] = first
    else varying.push(name)
  }
  return { common, varying }
}

export type Colour = "red" | "yellow"

const codes: Record<Colour, string> = { red: "\x1b[31m", yellow: "\x1b[33m" }

export const paint = (text: string, colour: Colour | undefined, enabled: boolean): string =>
  enabled && colour !== undefined ? `${codes[colour]}${text}\x1b[0m` : text

// ERROR (and worse) red, WARN yellow, as severities are spelled in OTLP and by loggers.
export const severityColour = (severity: string | undefined): Colour | undefined => {
  if (severity === undefined) return undefined
  if (/^(error|err|fatal|crit|critical|alert|emerg|panic)/i.test(severity)) return "red"
  if (/^warn/i.test(severity)) return "yellow"
  return undefined
}

// Fields every record has, shown in front (or not at all: the stream is repeated by its fields).
const leading = new Set(["_time", "severity", "_msg", "_stream", "_stream_id"])
const correlationKeys = Correlation.definitions.map((d) => d.key)

// A record has a time and a message; anything else (stats rows, `fields` output) is a table row.
export const isRecord = (fields: Readonly<Record<string, string>>) =>
  fields["_time"] !== undefined && fields["_msg"] !== undefined

// One log record on one line: time, severity, message, the gt.* labels, then the other
// fields by name; the whole line coloured by severity.
export const recordLine = (
  fields: Readonly<Record<string, string>>,
  options: { readonly messageWidth: number; readonly colour: boolean }
): string => {
  const severity = fields["severity"] ?? ""
  const labels = correlationKeys.filter((k) => fields[k] !== undefined).map((k) => `${k}=${quoteIfNeeded(fields[k]!)}`)
  const others = Object.keys(fields)
    .filter((k) => !leading.has(k) && !correlationKeys.includes(k as Correlation.Key))
    .toSorted()
    .map((k) => `${k}=${quoteIfNeeded(fields[k]!)}`)
  const parts = [fields["_time"] ?? "", pad(severity, 5), pad(fields["_msg"] ?? "", options.messageWidth)]
  const line = [parts.join("  "), labels.join(" "), others.join(" ")]
    .filter((p) => p !== "")
    .join("  ")
    .trimEnd()
  return paint(line, severityColour(severity), options.colour)
}

// Rows without a time and message (stats, `fields` pipes) as a table: their fields in the
// order they first appear.
export const rowsTable = (rows: ReadonlyArray<Readonly<Record<string, string>>>): Array<string> => {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  return table(
    header,
    rows.map((r) => header.map((h) => r[h] ?? ""))
  )
}
