// Every LogsQL expression users are given — the README's block and the generated dashboards'
// logs panels, with the dashboard variables filled in as Grafana and the VictoriaLogs plugin
// fill them — answered through /select/logsql/query over rows made from catalogue events, and
// checked against what each expression is documented to select.
import { assert, describe, it } from "@effect/vitest"
import { LogsQLApi } from "@gastown-otel/receiver"
import { Catalogue, Correlation, GtEvents, Resource } from "@gastown-otel/schema"
import { Dashboards, Queries } from "@gastown-otel/stack"
import { Arbitrary, Effect } from "effect"
import { readFileSync } from "node:fs"
import type { LogRow } from "../../src/logs/LogRow.ts"
import * as Grafana from "../support/GrafanaInterpolation.ts"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import { fromEvent, type Service } from "../support/VictoriaLogsRows.ts"

const second = 1_000_000_000n
const now = 1_750_000_000n * second

const variable = (name: string) => Queries.variables.find((v) => v.name === name)!
const rig = variable("rig").key
const role = variable("role").key
const agent = variable("agent").key

// Contexts as gt sets them: a polecat with every label, a witness without an agent, another
// rig's crew member, and a process with no labels at all.
const contexts: ReadonlyArray<Correlation.Labels> = [
  {
    ...Object.fromEntries(Correlation.definitions.map((l) => [l.key, `${l.key}-value`])),
    [rig]: "mol",
    [role]: "mol/polecats/jana",
    [agent]: "jana"
  },
  { [rig]: "mol", [role]: "mol/witness" },
  { [rig]: "town", [role]: "town/crew/max", [agent]: "max" },
  {}
]

const servicesOf = (entry: Catalogue.Entry): ReadonlyArray<Service> =>
  entry.spec.emitter === "bd" ? ["bd"] : entry.spec.emitter === "gt" ? ["gt", "daemon"] : ["gt"]

interface Made {
  readonly row: LogRow
  readonly event: string
  readonly service: Service
  readonly context: Correlation.Labels
}

// One valid event per catalogue entry (sampled from its schema), emitted in every context by
// every service that emits it, one second apart.
const made: ReadonlyArray<Made> = Catalogue.entries.flatMap((entry, e) => {
  const [event] = Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: 1, seed: e + 1 }))
  return servicesOf(entry).flatMap((service, s) =>
    contexts.map((context, c) => ({
      row: fromEvent(now - BigInt(1 + e * 100 + s * 10 + c) * second, service, event!, context),
      event: entry.spec.name,
      service,
      context
    }))
  )
})
const source = MemoryLogSource.make(made.map((m) => m.row))

// What /select/logsql/query returns for an expression over the last hour, as Grafana's logs
// panels ask it (`limit`, `start` and `end` in Unix seconds), checked for VictoriaLogs' shape.
const answer = (expr: string, limit?: number): ReadonlyArray<string> => {
  const params = new URLSearchParams({
    query: expr,
    start: String((now - 3600n * second) / second),
    end: String(now / second + 1n)
  })
  if (limit !== undefined) params.set("limit", String(limit))
  const response = LogsQLApi.query(params, source, now)
  assert.strictEqual(response.status, 200, `${expr}: ${response.body}`)
  const lines = response.body.split("\n").filter((l) => l !== "")
  return lines.map((line) => {
    const fields = JSON.parse(line) as Record<string, string>
    for (const name of ["_msg", "_time", "_stream", "_stream_id"]) assert.isString(fields[name], `${name} in ${line}`)
    assert.deepStrictEqual(Object.keys(fields), Object.keys(fields).toSorted(), "fields in name order")
    return fields["_time"]!
  })
}

const expected = (select: (m: Made) => boolean): ReadonlyArray<string> =>
  made
    .filter(select)
    .map((m) => m.row)
    .toSorted((a, b) => (a.timeNs > b.timeNs ? -1 : 1))
    .map((r) => r.fields["_time"]!)

const eventName = (schema: (typeof Catalogue.events)[number]) =>
  Catalogue.entries.find((e) => e.schema === schema)!.spec.name

describe("the README's LogsQL block", () => {
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8")
  const intro = readme.indexOf("LogsQL that works as written")
  const open = readme.indexOf("```", intro)
  const block = readme.slice(readme.indexOf("\n", open) + 1, readme.indexOf("```", open + 3))
  const documented = block
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split(/\s{2,}/)[0]!)

  const serviceName = Resource.keys.serviceName
  const gt = Resource.serviceNames.gt
  const bdCall = eventName(GtEvents.BdCall)
  const starts = eventName(GtEvents.SessionStart)
  const stops = eventName(GtEvents.SessionStop)
  const spawns = eventName(GtEvents.PolecatSpawn)
  const removes = eventName(GtEvents.PolecatRemove)
  // What each line of the README says it selects.
  const claims = new Map<string, (m: Made) => boolean>([
    ["*", () => true],
    [`{${serviceName}="${gt}"}`, (m) => m.service === "gt"],
    [`${serviceName}:${gt}`, (m) => m.service === "gt" || m.service === "daemon"],
    [`"${bdCall}"`, (m) => m.event === bdCall],
    [`_msg:="${bdCall}" ${rig}:="mol"`, (m) => m.event === bdCall && m.context[rig] === "mol"],
    [`"${starts}" OR "${stops}"`, (m) => m.event === starts || m.event === stops],
    [`_msg:in("${spawns}", "${removes}")`, (m) => m.event === spawns || m.event === removes]
  ])

  it("is the list of expressions this test knows the meaning of", () => {
    assert.isAbove(documented.length, 0)
    assert.deepStrictEqual(documented.toSorted(), [...claims.keys()].toSorted())
  })

  for (const [expr, claim] of claims) {
    it(`${expr} selects what the README says`, () => {
      const want = expected(claim)
      assert.isAbove(want.length, 0)
      assert.deepStrictEqual(answer(expr, 1000), want)
      assert.deepStrictEqual(answer(expr).toSorted(), want.toSorted())
      assert.deepStrictEqual(answer(expr, 3), want.slice(0, 3))
    })
  }
})

describe("the dashboards' logs panels", () => {
  type Doc = { readonly [key: string]: any }
  const dashboards = Dashboards.all() as ReadonlyArray<Doc>
  const panels = dashboards.flatMap((d) =>
    (d["panels"] as ReadonlyArray<Doc>)
      .filter((p) => p["type"] === "logs")
      .map((p) => ({
        dashboard: d,
        title: p["title"] as string,
        expr: (p["targets"] as ReadonlyArray<Doc>)[0]!["expr"] as string
      }))
  )
  const variablesOf = (d: Doc): ReadonlyArray<Grafana.Variable> =>
    (d["templating"]["list"] as ReadonlyArray<Doc>).map((v) => ({ name: v["name"], allValue: v["allValue"] }))

  const all: Grafana.Selection = { all: true }
  const selections: ReadonlyArray<{ readonly [name: string]: Grafana.Selection }> = [
    { rig: all, role: all, agent: all },
    { rig: { values: ["mol"] }, role: all, agent: all },
    { rig: { values: ["mol"] }, role: { values: ["mol/polecats/jana"] }, agent: { values: ["jana"] } },
    { rig: { values: ["mol", "town"] }, role: all, agent: { values: ["jana", "max"] } },
    { rig: all, role: { values: ["mol/witness"] }, agent: all }
  ]

  it("show every catalogue event, each in one panel", () => {
    const shown = panels.flatMap((p) => p.title.split(", "))
    assert.deepStrictEqual(shown.toSorted(), Catalogue.entries.map((e) => e.spec.name).toSorted())
  })

  for (const panel of panels) {
    for (const selection of selections) {
      const label = Object.entries(selection)
        .map(([k, s]) => `${k}=${"all" in s ? "All" : s.values.join("+")}`)
        .join(" ")
      it(`${panel.title} with ${label}`, () => {
        const expr = Grafana.interpolate(panel.expr, variablesOf(panel.dashboard), selection)
        assert.notMatch(expr, /\$\{|\$[A-Za-z_]/, "every variable filled in")
        const events = panel.title.split(", ")
        const want = expected(
          (m) =>
            events.includes(m.event) &&
            Queries.variables.every((v) => {
              const s = selection[v.name]!
              return "all" in s || s.values.includes(m.context[v.key] ?? "")
            })
        )
        assert.isAbove(want.length, 0, expr)
        assert.deepStrictEqual(answer(expr, 1000), want, expr)
      })
    }
  }
})
