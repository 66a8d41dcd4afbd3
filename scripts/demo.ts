// The demo (`npm run demo`): a Gas Town day on the embedded receiver. The receiver
// (`gastown-otel serve`, here in this process) listens on free loopback ports with a fresh
// data directory; the example gt and bd CLIs work a day in two rigs while a third rig's
// witness runs a real Claude Code session; then everything shown is read back through the
// receiver's own APIs, as `gastown-otel query`, `logs` and `check` and the page read them.
// The data directory is kept.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cli as Receiver, QueryCommand, Serve, Server, Store } from "@gastown-otel/receiver"
import { Catalogue, ClaudeCode, Endpoints, Naming, Resource } from "@gastown-otel/schema"
import * as Queries from "@gastown-otel/stack/Queries"
import { Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import * as Cli from "@gastown-otel/testkit/Cli"
import * as Ports from "@gastown-otel/testkit/Ports"
import * as Process from "@gastown-otel/testkit/Process"
import * as TempDir from "@gastown-otel/testkit/TempDir"
import { ConfigProvider, Effect, Fiber, Layer, Schema } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"

const startedMs = performance.now()
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

// One line on stderr: rewritten in place on a terminal (its clock ticking), a line per step otherwise.
const tty = process.stderr.isTTY === true
let step = ""
const render = () => {
  const line = `demo ${seconds(performance.now() - startedMs)}: ${step}`
  process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`)
}
const progress = (text: string) => Effect.sync(() => ((step = text), render()))
const ticking = tty ? Effect.forever(Effect.sleep("250 millis").pipe(Effect.andThen(Effect.sync(render)))) : Effect.void

// The town: two rigs, each with its own beads store and an agent of another role working a
// day, and a third rig's witness, who runs a Claude Code session, pours a formula and slings
// a bead that does not exist. Spans are exported for the witness only: GT_OTEL_TRACES_URL is
// opt-in, and a traced process costs about a third more.
interface Agent {
  readonly traced: boolean
  readonly env: Readonly<Record<string, string>>
}
const workers: ReadonlyArray<Agent> = [
  {
    traced: false,
    env: { GT_RIG: "mol", GT_ROLE: "mol/polecats/jana", GT_POLECAT: "jana", BD_ACTOR: "mol/polecats/jana" }
  },
  { traced: false, env: { GT_RIG: "wyvern", GT_ROLE: "wyvern/crew/max", GT_CREW: "max", BD_ACTOR: "wyvern/crew/max" } }
]
const witness: Agent = { traced: true, env: { GT_RIG: "ember", GT_ROLE: "ember/witness", BD_ACTOR: "ember/witness" } }
const witnessWork: ReadonlyArray<ReadonlyArray<string>> = [
  ["formula", "run", "release"],
  // A bd call gt makes that fails.
  ["sling", "bd-404", witness.env["GT_ROLE"]!]
]

// Claude Code's native binary, from the platform package its npm package installs beside gt.
const claudeBin = (() => {
  try {
    const manifest = `@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`
    return path.join(path.dirname(createRequire(Cli.bins.gt).resolve(manifest)), "claude")
  } catch {
    return undefined
  }
})()

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
    return response.text()
  })

const Answer = Schema.Struct({ data: QueryCommand.Data })

// An instant query through the Prometheus API: its series, or none.
const promql = (base: string, query: string) =>
  get(`${base}/api/v1/query?${new URLSearchParams({ query })}`).pipe(
    Effect.map((body) => Schema.decodeUnknownSync(Answer)(JSON.parse(body)).data),
    Effect.map((data) => (data.resultType === "vector" ? data.result : []))
  )

// Columns padded to their widest cell, numbers right-aligned.
const table = (rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) =>
    r
      .map((cell, i) => (/^-?[\d.]+$/.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  )
}

const print = (lines: ReadonlyArray<string>) => Effect.sync(() => lines.forEach((line) => console.log(line)))
const section = (title: string) => print(["", `── ${title} ──`])

const labelsText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")

const round = (text: string) => String(Math.round(Number(text) * 1000) / 1000)

// The window every query looks back over: the data directory holds this day only.
const window = "1h"

// Per metric and label set (summed over the agents): `increase()`, and the value the series
// ends the day with (the running total the hosts kept, from zero: the state directory is new).
// A gauge has only the latter: its last value, per rig as the dashboards show it, summed.
const increases = (base: string) =>
  Effect.gen(function* () {
    const rows = [["metric", "labels", "increase", "last"]]
    for (const metric of Catalogue.metrics) {
      const name = Naming.series(metric).find((s) => !/_(bucket|sum)$/.test(s))!
      const by = metric.labels.map(Naming.promCompatibleLabel).join(", ")
      const [increase, last] = yield* Effect.all([
        metric.kind === "gauge" ? Effect.succeed([]) : promql(base, `sum by (${by}) (increase(${name}[${window}]))`),
        metric.kind === "gauge"
          ? promql(
              base,
              `sum by (${by}) (max by (${Queries.gaugeBy(metric).join(", ")}) (last_over_time(${name}[${window}])))`
            )
          : promql(base, `sum by (${by}) (last_over_time(${name}[${window}]))`)
      ])
      for (const r of last.toSorted((a, b) => labelsText(a.metric).localeCompare(labelsText(b.metric)))) {
        const grew = increase.find((i) => labelsText(i.metric) === labelsText(r.metric))
        rows.push([name, labelsText(r.metric), grew === undefined ? "" : round(grew.value[1]), round(r.value[1])])
      }
    }
    const differ = rows.slice(1).filter(([, , increase, last]) => increase !== "" && increase !== last)
    return [
      ...table(rows),
      ...(differ.length === 0
        ? []
        : [
            `(${[...new Set(differ.map(([name]) => name))].join(", ")}: one sample per series, and a large one; increase() counts a`,
            " first sample from zero only when it is small beside the series' growth, VictoriaMetrics' rule, which the receiver",
            " follows. `last` is the running total the hosts kept, from zero: the state directory is new.)"
          ])
    ]
  })

const bdDuration = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "histogram")!

// The quantiles the dashboards draw, over the whole day: for every call and per subcommand.
const quantiles = (base: string) =>
  Effect.gen(function* () {
    const bucket = Naming.series(bdDuration).find((s) => s.endsWith("_bucket"))!
    const by = Naming.promCompatibleLabel(bdDuration.labels[0]!)
    const answers = yield* Effect.forEach(Queries.quantiles, (q) =>
      Effect.all([
        promql(base, `histogram_quantile(${q}, sum by (le) (increase(${bucket}[${window}])))`),
        promql(base, `histogram_quantile(${q}, sum by (le, ${by}) (increase(${bucket}[${window}])))`)
      ])
    )
    const keys = [...new Set(answers.flatMap(([, each]) => each.map((r) => r.metric[by] ?? "")))].toSorted()
    const cell = (q: number, key: string | undefined) => {
      const [all, each] = answers[q]!
      const found = key === undefined ? all[0] : each.find((r) => r.metric[by] === key)
      return found === undefined ? "" : Number(found.value[1]).toFixed(1)
    }
    return table([
      [by, ...Queries.quantiles.map((q) => `p${q * 100}`)],
      ...[undefined, ...keys].map((key) => [key ?? "(every call)", ...Queries.quantiles.map((_, i) => cell(i, key))])
    ])
  })

const Traces = Schema.Struct({
  traces: Schema.Array(Schema.Struct({ traceId: Schema.String, services: Schema.Array(Schema.String) }))
})
const Trace = Schema.Struct({
  spans: Schema.Array(
    Schema.Struct({
      name: Schema.String,
      depth: Schema.Number,
      startNs: Schema.String,
      endNs: Schema.String,
      resource: Schema.Record(Schema.String, Schema.String),
      status: Schema.Struct({ code: Schema.Number })
    })
  )
})

// Of the traces gt began that reach into bd, the one with the most spans, as the page's
// waterfall reads it: an indented tree of spans with their services and durations.
const oneTrace = (base: string) =>
  Effect.gen(function* () {
    const recent = Schema.decodeUnknownSync(Traces)(JSON.parse(yield* get(`${base}/api/gastown/traces?limit=1000`)))
    const intoBd = recent.traces.filter(
      (t) => t.services[0] === Resource.serviceNames.gt && t.services.includes(Resource.serviceNames.bd)
    )
    const traces = yield* Effect.forEach(intoBd, (t) =>
      get(`${base}/api/gastown/traces/${t.traceId}`).pipe(
        Effect.map((body) => ({ id: t.traceId, ...Schema.decodeUnknownSync(Trace)(JSON.parse(body)) }))
      )
    )
    const richest = traces.toSorted((a, b) => b.spans.length - a.spans.length)[0]
    if (richest === undefined) return ["(no trace from gt into bd arrived)"]
    return [
      `trace ${richest.id}:`,
      ...table(
        richest.spans.map((s) => [
          `${"  ".repeat(s.depth)}${s.name}`,
          s.resource[Resource.keys.serviceName] ?? "",
          (Number(BigInt(s.endNs) - BigInt(s.startNs)) / 1e6).toFixed(1),
          s.status.code === 2 ? "ms  error" : "ms"
        ])
      )
    ]
  })

// `gt session start --prompt` on the real Claude Code, offline: gt hands it the receiver's OTLP
// endpoints and the agent's labels. It would retry the closed model API for minutes, so it is
// stopped (SIGTERM to gt, which ends the session) once its metrics and log records arrived.
const claudeSession = (receiver: Server.Receiver["Service"], env: Record<string, string>, home: string) =>
  Effect.gen(function* () {
    if (claudeBin === undefined) return `no native binary for ${process.platform}-${process.arch}`
    fs.mkdirSync(home)
    const session = yield* (yield* ChildProcessSpawner.ChildProcessSpawner).spawn(
      ChildProcess.make(process.execPath, [Cli.bins.gt, "session", "start", "--prompt", "hello"], {
        env: Process.environment({
          ...env,
          GT_CLAUDE_BIN: claudeBin,
          HOME: home,
          // A port nothing listens on: nothing leaves the machine.
          ANTHROPIC_BASE_URL: yield* Ports.closedUrl,
          ANTHROPIC_API_KEY: "sk-ant-not-a-real-key",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          // Its log records every half second instead of every five.
          OTEL_LOGS_EXPORT_INTERVAL: "500"
        }),
        extendEnv: false,
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore"
      })
    )
    const sessions = `sum(sum_over_time(${Naming.promCompatible(ClaudeCode.metrics[0]!.name)}[${window}]))`
    const services = `* | stats by (${Resource.keys.serviceName}) count() records`
    const ours = new Set(Object.values(Resource.serviceNames))
    const arrived = Effect.all([
      promql(receiver.metricsUrl, sessions),
      get(`${receiver.logsUrl}/select/logsql/query?${new URLSearchParams({ query: services })}`)
    ]).pipe(
      Effect.map(
        ([count, rows]) =>
          count.length > 0 &&
          rows.split("\n").some((row) => row !== "" && !ours.has(JSON.parse(row)[Resource.keys.serviceName]))
      )
    )
    const started = performance.now()
    let seen = false
    while (!(seen = yield* arrived) && performance.now() - started < 40_000) yield* Effect.sleep("250 millis")
    yield* session.kill({ killSignal: "SIGTERM", forceKillAfter: "5 seconds" })
    return seen
      ? `its metrics and log records arrived after ${seconds(performance.now() - started)}; then stopped, so gt records that session.start as an error (interrupted)`
      : "nothing of it arrived within 40 s; stopped"
  }).pipe(Effect.scoped, Effect.orDie)

// The catalogue's own event, telemetry.dropped, appears only when the library drops
// something. This run reports as bd, configured as bd is, and hands the library a
// bd.command whose duration came out negative (a wall clock stepped back): the schema refuses
// it and the library, lenient unless GT_OTEL_STRICT=1, drops it and reports the drop.
const refused = { _tag: "bd.command", command: "list", duration_ms: -1, status: "ok" } as const
const dropOne = (env: Record<string, string>) =>
  Telemetry.emit(refused).pipe(
    Effect.provide(Telemetry.layerConfig("bd", { version: createRequire(Cli.bins.bd)("../package.json").version })),
    Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
  )
const dropped = Catalogue.entries.find((e) => e.spec.emitter === "telemetry")!.spec

const program = (dataDir: string) =>
  Effect.gen(function* () {
    const receiver = yield* Server.Receiver
    const town = yield* TempDir.make("gastown-otel-demo-town-")
    const endpoints = (traced: boolean) =>
      Object.fromEntries(
        (["gt", "bd"] as const).flatMap((program) => {
          const variables = TelemetryConfig.urlVariables(program)
          return [
            [variables.metrics, receiver.metricsUrl + Server.paths.metrics[0]],
            [variables.logs, receiver.logsUrl + Server.paths.logs[0]],
            ...(traced ? [[variables.traces, receiver.metricsUrl + Server.paths.traces[0]]] : [])
          ]
        })
      )
    // One host: the counter state and the spool are shared, each rig's store is its own.
    const envOf = (agent: Agent) => ({
      ...endpoints(agent.traced),
      ...agent.env,
      ...Cli.patientFlush,
      BD_DB: path.join(town, agent.env["GT_RIG"]!, "beads.json"),
      GT_OTEL_STATE_DIR: path.join(town, "state")
    })
    const first = envOf(workers[0]!)

    const ticker = yield* Effect.forkChild(ticking)
    yield* progress(`a day in ${workers.length} rigs through gt and bd, and a Claude Code session`)
    const claude = yield* Effect.forkChild(claudeSession(receiver, envOf(witness), path.join(town, "claude-home")))
    const [days, witnessRan] = yield* Effect.all(
      [
        Effect.forEach(
          workers,
          (agent) => {
            const dir = path.join(town, agent.env["GT_RIG"]!)
            fs.mkdirSync(dir)
            return Cli.day(envOf(agent), dir).pipe(
              Effect.tap(() => progress(`the day is done in ${agent.env["GT_RIG"]}`))
            )
          },
          { concurrency: "unbounded" }
        ),
        Effect.forEach(witnessWork, (args) => Cli.run("gt", args, envOf(witness)))
      ],
      { concurrency: "unbounded" }
    )
    yield* progress("waiting for Claude Code's telemetry")
    const claudeLine = yield* Fiber.join(claude)
    yield* progress(`one more bd run: ${dropped.name}`)
    yield* dropOne(first)
    yield* progress("gt flush")
    const flush = yield* Cli.run("gt", ["flush"], first)
    yield* progress("reading it back")
    yield* Fiber.interrupt(ticker)
    if (tty) process.stderr.write("\r\x1b[2K")

    yield* print([
      `receiver (gastown-otel serve, in this process): metrics ${receiver.metricsUrl}, logs ${receiver.logsUrl}, data ${dataDir}`
    ])
    // What a failed command said: its message, under effect/cli's ERROR heading.
    const why = (r: Process.Ran) =>
      (r.stderr.split("\n").find((l) => l.trim() !== "" && l.trim() !== "ERROR") ?? "")
        .trim()
        .replaceAll(town + path.sep, "")
    yield* section("the day")
    yield* print([
      "each rig (the testkit's Cli.day): a story on its store in order, beside the other gt commands a few at a time and a bd list on a store another process holds; both rigs at once"
    ])
    for (const [i, day] of days.entries()) {
      const ran = [...day.story, ...day.standalone, day.locked]
      const failed = ran.filter((r) => r.code !== 0)
      const { env } = workers[i]!
      yield* print([
        `${env["GT_ROLE"]} (rig ${env["GT_RIG"]}): ${ran.length} gt/bd commands, ${failed.length} failed`,
        ...failed.map((r) => `    exit ${r.code}: ${why(r)}`)
      ])
    }
    yield* print([
      `${witness.env["GT_ROLE"]} (rig ${witness.env["GT_RIG"]}, traced):`,
      ...witnessWork.map((args, i) => {
        const ran = witnessRan[i]!
        return `    $ gt ${args.join(" ")} → exit ${ran.code}: ${ran.code === 0 ? ran.stdout.trim() : why(ran)}`
      }),
      `    Claude Code, gt session start --prompt, its model API a closed local port: ${claudeLine}`,
      `one more bd run, for the catalogue's own ${dropped.name}: it hands the library a ${refused._tag} with a negative duration (a clock stepped back); the schema refuses it, and the library (lenient unless GT_OTEL_STRICT=1) drops it and counts the drop. A day without it shows no ${dropped.name}.`,
      `$ gt flush → exit ${flush.code}: ${(flush.stdout + flush.stderr).trim()}`
    ])

    yield* section(`per metric and label set: sum by (its labels) (increase(metric[${window}])), and the last value`)
    yield* print(yield* increases(receiver.metricsUrl))
    yield* section(`${Naming.promCompatible(bdDuration.name)} (histogram_quantile over _bucket), ${bdDuration.unit}`)
    yield* print(yield* quantiles(receiver.metricsUrl))
    const perEvent = `* | stats by (${Resource.keys.serviceName}, _msg) count() records | sort by (${Resource.keys.serviceName}, _msg)`
    yield* section(`log records per event: gastown-otel logs '${perEvent}'`)
    yield* Receiver.runWith(["logs", perEvent, "--logs-url", receiver.logsUrl])
    yield* section("one trace from gt into bd (/api/gastown/traces)")
    yield* print(yield* oneTrace(receiver.metricsUrl))
    yield* section("gastown-otel check")
    yield* Receiver.runWith(["check", "--url", receiver.metricsUrl, "--logs-url", receiver.logsUrl])
    yield* section("the page, on the same data")
    yield* print([
      `npx gastown-otel serve --data-dir ${dataDir}`,
      `then open http://localhost:${Endpoints.ports.metrics}/`,
      "",
      `(the demo took ${seconds(performance.now() - startedMs)})`
    ])
  })

// Kept after the demo: the page and the commands read it later.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gastown-otel-demo-"))
const receiver = Server.layer({ metricsPort: 0, logsPort: 0 }, Serve.routes).pipe(
  Layer.provide(Store.layer({ dataDir }))
)

program(dataDir).pipe(Effect.scoped, Effect.provide(Layer.merge(receiver, Receiver.layer)), NodeRuntime.runMain)
