// An independent model of how VictoriaMetrics names OTLP metrics and labels, written
// from its documentation and lib/protoparser/opentelemetry/stream/sanitize.go, so the
// catalogue's names are checked against the backend's rules, not against themselves.

export interface Flags {
  /** -opentelemetry.usePrometheusNaming */
  readonly usePrometheusNaming: boolean
  /** -usePromCompatibleNaming */
  readonly usePromCompatibleNaming: boolean
}

export interface Sent {
  readonly name: string
  readonly unit: string
  /** "counter" is a monotonic sum. */
  readonly type: "counter" | "gauge" | "histogram"
}

const units: Record<string, string> = {
  d: "days",
  h: "hours",
  min: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  "1": "",
  "%": "percent"
}
const perUnits: Record<string, string> = { s: "second", m: "minute", h: "hour", d: "day", w: "week" }

const prometheusName = ({ name, unit, type }: Sent): string => {
  const tokens = name.split(/[/_.\-: ]/).filter((t) => t !== "")
  const [main = "", per = ""] = unit.split("/").map((u) => u.trim())
  if (main !== "" && !main.includes("{")) {
    const word = units[main] ?? main
    if (word !== "" && !tokens.includes(word)) tokens.push(word)
  }
  if (per !== "" && !per.includes("{")) {
    const word = perUnits[per] ?? per
    if (!tokens.includes(word)) tokens.push("per", word)
  }
  const moveLast = (word: string) => [...tokens.filter((t) => t !== word), word]
  if (type === "counter") return moveLast("total").join("_")
  if (unit === "1" && type === "gauge") return moveLast("ratio").join("_")
  return tokens.join("_")
}

/** The metric name VictoriaMetrics stores for what was sent. */
export const storedMetricName = (sent: Sent, flags: Flags): string => {
  const name = flags.usePrometheusNaming ? prometheusName(sent) : sent.name
  return flags.usePromCompatibleNaming ? name.replace(/[^a-zA-Z0-9_:]/g, "_") : name
}

/** The label name VictoriaMetrics stores for an attribute key. */
export const storedLabelName = (key: string, flags: Flags): string =>
  flags.usePrometheusNaming || flags.usePromCompatibleNaming ? key.replace(/[^a-zA-Z0-9_]/g, "_") : key

/** Reads the stack's flags back from their command-line spelling. */
export const parseFlags = (args: ReadonlyArray<string>): Flags => ({
  usePrometheusNaming: args.includes("-opentelemetry.usePrometheusNaming"),
  usePromCompatibleNaming: args.includes("-usePromCompatibleNaming")
})
