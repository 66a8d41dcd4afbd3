// What LogsQL queries cost over 1,000,000 records in memory: the dashboards' logs panels as
// Grafana sends them (last 6 hours, limit 1000), a rare event that makes the scan read the whole
// range, README queries, and stats over a day. Medians of repeated runs, after a warm-up.
//
//   bash scripts/with-node.sh node --expose-gc packages/receiver/bench/logsql.ts [records] [name filter]
//
// With --expose-gc the heap is collected before each query, so one query's garbage does not
// land in the next one's time.
import { Catalogue, Correlation, GtEvents, Resource } from "@gastown-otel/schema"
import { Dashboards, Queries } from "@gastown-otel/stack"
import { Arbitrary, Effect } from "effect"
import * as LogsQLApi from "../src/logsql/Api.ts"
import type { LogRow } from "../src/logs/LogRow.ts"
import { formatTime } from "../src/logsql/internal/time.ts"
import * as Grafana from "../test/support/GrafanaInterpolation.ts"
import * as MemoryLogSource from "../test/support/MemoryLogSource.ts"
import { fromEvent, type Service } from "../test/support/VictoriaLogsRows.ts"

const N = Number(process.argv[2] ?? 1_000_000)
const only = process.argv[3]
const ROUNDS = 15
const second = 1_000_000_000n
const now = 1_750_000_000n * second
const day = 86_400n * second

const key = (name: string) => Queries.variables.find((v) => v.name === name)!.key
const [rig, role, agent] = [key("rig"), key("role"), key("agent")]
const rigs = ["mol", "town", "forge"]
const contexts: ReadonlyArray<Correlation.Labels> = [
  ...rigs.flatMap((r) =>
    ["jana", "max", "ona", "lee"].map((a) => ({ [rig]: r, [role]: `${r}/polecats/${a}`, [agent]: a }))
  ),
  ...rigs.map((r) => ({ [rig]: r, [role]: `${r}/witness` })),
  {}
]

const nameOf = (schema: (typeof Catalogue.events)[number]) =>
  Catalogue.entries.find((e) => e.schema === schema)!.spec.name
const bdCall = nameOf(GtEvents.BdCall)
const sessions = [nameOf(GtEvents.SessionStart), nameOf(GtEvents.SessionStop)].join(", ")
const restart = nameOf(GtEvents.DaemonRestart)
const service = Resource.keys.serviceName

// bd.call dominates a real day; every other event appears too.
const entries = Catalogue.entries.flatMap((e) => (e.spec.name === bdCall ? Array(10).fill(e) : [e]))
const events = entries.map(
  (e, i) => Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(e.schema), { count: 1, seed: i + 1 }))[0]!
)
const serviceOf = (e: Catalogue.Entry, i: number): Service =>
  e.spec.emitter === "bd" ? "bd" : e.spec.emitter === "gt" && i % 7 === 0 ? "daemon" : "gt"

let started = performance.now()
const rows: Array<LogRow> = []
// Records of one event, service and context differ only in time: derive each kind once.
const kinds = new Map<string, LogRow>()
for (let i = 0; i < N; i++) {
  const k = i % entries.length
  const timeNs = now - (BigInt(i) * day) / BigInt(N)
  const service = serviceOf(entries[k]!, i)
  const c = (i * 7) % contexts.length
  const kind = `${k} ${service} ${c}`
  let template = kinds.get(kind)
  if (template === undefined) kinds.set(kind, (template = fromEvent(timeNs, service, events[k]!, contexts[c]!)))
  rows.push({ timeNs, fields: { ...template.fields, _time: formatTime(timeNs) } })
}
const source = MemoryLogSource.make(rows)
console.log(`${N} records built in ${((performance.now() - started) / 1000).toFixed(1)} s`)

const median = (xs: Array<number>) => xs.toSorted((a, b) => a - b)[xs.length >> 1]!

const measure = (name: string, endpoint: string, params: Record<string, string>) => {
  if (only !== undefined && !name.includes(only)) return
  ;(globalThis as { gc?: () => void }).gc?.()
  const search = new URLSearchParams(params)
  const handler = LogsQLApi.handlers[endpoint]!
  let lines = 0
  const times: Array<number> = []
  for (let r = 0; r < ROUNDS + 2; r++) {
    started = performance.now()
    const response = handler(search, source, now)
    const elapsed = performance.now() - started
    if (response._tag !== "Response" || response.status !== 200) throw new Error(`${name}: ${JSON.stringify(response)}`)
    lines = response.body.split("\n").filter((l) => l !== "").length
    if (r >= 2) times.push(elapsed)
  }
  console.log(`${median(times).toFixed(1).padStart(7)} ms  ${String(lines).padStart(6)} lines  ${name}`)
}

const lastHours = (hours: bigint) => ({
  start: String((now - hours * 3600n * second) / second),
  end: String(now / second)
})

const dashboard = Dashboards.all()[0]!
const panels = (dashboard["panels"] as ReadonlyArray<any>).filter((p) => p.type === "logs")
const variables = (dashboard["templating"] as any).list.map((v: any) => ({ name: v.name, allValue: v.allValue }))
const panelExpr = (title: string, selection: { readonly [name: string]: Grafana.Selection }) =>
  Grafana.interpolate(panels.find((p) => p.title === title)!.targets[0].expr, variables, selection)
const all: Grafana.Selection = { all: true }

console.log("median of", ROUNDS, "runs:")
measure(`dashboard panel ${bdCall}, All, 6h, limit 1000`, "/select/logsql/query", {
  query: panelExpr(bdCall, { rig: all, role: all, agent: all }),
  limit: "1000",
  ...lastHours(6n)
})
measure(`dashboard panel ${bdCall}, rig/role/agent chosen, 6h, limit 1000`, "/select/logsql/query", {
  query: panelExpr(bdCall, {
    rig: { values: ["mol"] },
    role: { values: ["mol/polecats/jana"] },
    agent: { values: ["jana"] }
  }),
  limit: "1000",
  ...lastHours(6n)
})
measure(
  `dashboard panel ${restart}, a rig without records (the whole 6h is read), limit 1000`,
  "/select/logsql/query",
  {
    query: panelExpr(restart, { rig: { values: ["nosuch"] }, role: all, agent: all }),
    limit: "1000",
    ...lastHours(6n)
  }
)
measure(`dashboard panel ${sessions}, 24h, limit 100`, "/select/logsql/query", {
  query: panelExpr(sessions, { rig: all, role: all, agent: all }),
  limit: "100",
  ...lastHours(24n)
})
measure(`README _msg:="${bdCall}" ${rig}:="mol", limit 100`, "/select/logsql/query", {
  query: `_msg:="${bdCall}" ${rig}:="mol"`,
  limit: "100",
  ...lastHours(24n)
})
measure(`README {${service}="${Resource.serviceNames.gt}"}, limit 1000`, "/select/logsql/query", {
  query: `{${service}="${Resource.serviceNames.gt}"}`,
  limit: "1000",
  ...lastHours(24n)
})
measure(`logs volume (hits) for the ${bdCall} panel, 6h, step 1m`, "/select/logsql/hits", {
  query: panelExpr(bdCall, { rig: all, role: all, agent: all }),
  step: "1m",
  ...lastHours(6n)
})
measure("* | stats count() by (_msg), 24h", "/select/logsql/query", {
  query: "* | stats by (_msg) count()",
  ...lastHours(24n)
})
measure(`{${service}="${Resource.serviceNames.bd}"} | stats by (${rig}) count(), 24h`, "/select/logsql/query", {
  query: `{${service}="${Resource.serviceNames.bd}"} | stats by (${rig}) count()`,
  ...lastHours(24n)
})
measure("stats_query_range count by _msg, 6h, step 5m", "/select/logsql/stats_query_range", {
  query: "* | stats by (_msg) count()",
  step: "5m",
  ...lastHours(6n)
})
