// `gastown-otel serve` against Debian's VictoriaMetrics (1.79.5) on the same import, in the
// same run (rows of `npm run bench`):
//
// - ingest: 1,000,000 samples (support/Workload.ts: a compressed Gas Town day over 6 hours)
//   as OTLP requests to a serve process, each request durable before it is answered, and the
//   same samples to VictoriaMetrics' /api/v1/import; then 1,000,000 log records to serve
//   (VictoriaLogs is not packaged by Debian: no peer). 4 requests in flight on kept-alive
//   connections; every request encoded beforehand. Wall time from the first request to the
//   last answer; medians over the repetitions.
// - bytes on disk per sample (ours after a clean stop, VictoriaMetrics' after
//   /internal/force_flush) and per record; the start of serve over the stored samples (it
//   loads them into memory); resident memory.
// - every dashboard query (`@gastown-otel/stack`'s panel list: PromQL and LogsQL) over what
//   was stored, as Grafana sends it for the dashboards' default range (6 hours, 1,200 points,
//   every variable "All"): wall time of the HTTP request, p50 over the runs, ours and
//   VictoriaMetrics alternating, against the goal of 100 ms. VictoriaMetrics runs with its
//   result cache off (the receiver has none), so every run computes its answer.
//
//   bash scripts/with-node.sh node --conditions=@gastown-otel/source packages/receiver/bench/receiver.ts \
//     [--samples 1000000] [--records 1000000] [--reps 3] [--runs 11] [--each] [--profile DIR]
//
// `--each` gives a row per dashboard query instead of a row per dashboard section;
// `--profile DIR` writes CPU profiles of the serve process during each load and the queries.
import { Panels, Queries } from "@gastown-otel/stack"
import { TempDir } from "@gastown-otel/testkit"
import * as Bench from "@gastown-otel/testkit/Bench"
import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { parseArgs } from "node:util"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"
import * as Grafana from "../test/support/Grafana.ts"
import * as GrafanaLogs from "../test/support/GrafanaInterpolation.ts"
import * as Serve from "../test/support/Serve.ts"
import * as VictoriaMetrics from "../test/support/VictoriaMetrics.ts"
import * as Profile from "./support/Profile.ts"
import * as Workload from "./support/Workload.ts"

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "1000000" },
    records: { type: "string", default: "1000000" },
    reps: { type: "string", default: "3" },
    runs: { type: "string", default: "11" },
    each: { type: "boolean", default: false },
    profile: { type: "string" },
    rows: { type: "boolean", default: false }
  }
})

const goalPerSecond = 100_000
const goalMs = 100
const concurrency = 4
const maxDataPoints = 1200

// node:http with kept-alive connections: undici's fetch manages about 40 requests/s of 400 KB
// here even against a server that only reads them, which would measure the client.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })

const post = (url: string, body: Uint8Array | string, contentType: string) =>
  new Promise<string>((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": contentType, "content-length": Buffer.byteLength(body) } },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => {
          const status = response.statusCode ?? 0
          const text = Buffer.concat(chunks).toString()
          if (status >= 200 && status <= 299) resolve(text)
          else reject(new Error(`${url}: ${status} ${text.slice(0, 500)}`))
        })
      }
    )
    request.on("error", reject)
    request.end(body)
  })

// Seconds to send every body, `concurrency` requests in flight.
const sendAll = (url: string, bodies: ReadonlyArray<Uint8Array>, contentType: string) =>
  Effect.promise(async () => {
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) await post(url, bodies[next++]!, contentType)
      })
    )
    return (performance.now() - started) / 1000
  })

const dirSize = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce(
      (n, e) => n + (e.isDirectory() ? dirSize(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size),
      0
    )

// Resident memory of a process, from /proc (Linux).
const rssBytes = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024

const inspectorOf = (running: Serve.Running) => /Debugger listening on (ws:\S+)/.exec(running.output())?.[1]

// A phase against a serve process, profiled when asked.
const profiled = <A>(running: Serve.Running, name: string, phase: Effect.Effect<A>): Effect.Effect<A> => {
  const inspector = inspectorOf(running)
  if (args.profile === undefined || inspector === undefined) return phase
  return Effect.promise(() => Profile.around(inspector, args.profile!, name, () => Effect.runPromise(phase)))
}
const nodeFlags = args.profile === undefined ? [] : ["--inspect=127.0.0.1:0"]

// A query of the dashboards, as Grafana sends it.
interface Query {
  readonly dashboard: string
  readonly section: string
  readonly subject: string
  readonly language: "PromQL" | "LogsQL"
  readonly path: string
  readonly params: URLSearchParams
}

const seconds = (ms: number) => String(ms / 1000)

const dashboardQueries = (w: Workload.Workload): ReadonlyArray<Query> => {
  const all = Object.fromEntries(Queries.variables.map((v) => [v.name, "All" as const]))
  const logsVariables = Queries.variables.map((v) => ({ name: v.name, allValue: Queries.allValue }))
  const logsAll = Object.fromEntries(Queries.variables.map((v) => [v.name, { all: true } as const]))
  return Panels.dashboards.flatMap((dashboard) =>
    dashboard.sections.flatMap((section) =>
      section.panels.flatMap((panel): ReadonlyArray<Query> => {
        const where = { dashboard: dashboard.title, section: section.title }
        if (panel.kind === "logs") {
          return [
            {
              ...where,
              subject: panel.title,
              language: "LogsQL",
              path: "/select/logsql/query",
              // The logs panel's request: its range and the panel's line limit.
              params: new URLSearchParams({
                query: GrafanaLogs.interpolate(panel.expr, logsVariables, logsAll),
                start: seconds(w.startMs),
                end: seconds(w.endMs),
                limit: "1000"
              })
            }
          ]
        }
        return panel.targets.map((target) => {
          const r = Grafana.request(target.expr, {
            fromMs: w.startMs,
            toMs: w.endMs,
            maxDataPoints,
            variables: all,
            allValue: Queries.allValue
          })
          return {
            ...where,
            subject: panel.targets.length > 1 ? `${panel.title} ${target.legend}` : panel.title,
            language: "PromQL",
            path: "/api/v1/query_range",
            params: new URLSearchParams({
              query: r.query,
              start: seconds(r.startMs),
              end: seconds(r.endMs),
              step: seconds(r.stepMs)
            })
          }
        })
      })
    )
  )
}

interface Ingest {
  readonly samplesSeconds: number
  readonly samplesBytes: number
  readonly samplesRss: number
  readonly startSeconds: number
  readonly recordsSeconds: number
  readonly recordsBytes: number
  readonly bothRss: number
  readonly vm?: { readonly seconds: number; readonly bytes: number; readonly rss: number } | undefined
}

// Samples VictoriaMetrics holds in the workload's range.
const samplesHeld = (vm: VictoriaMetrics.Shape, w: Workload.Workload) =>
  vm
    .get(
      "/api/v1/query",
      new URLSearchParams({
        query: `sum(count_over_time({__name__!=""}[${Math.ceil((w.endMs - w.startMs) / 1000) + 60}s]))`,
        time: seconds(w.endMs)
      })
    )
    .pipe(
      Effect.map((a) =>
        Number((a.json as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]?.value[1] ?? 0)
      )
    )

// `bodies` sent to a serve on `dataDir`, which then stops cleanly (WAL checkpointed): the
// seconds the sending took and the RSS before the stop.
const ingest = (
  dataDir: string,
  label: string,
  url: (running: Serve.Running) => string,
  bodies: ReadonlyArray<Uint8Array>
) =>
  Effect.gen(function* () {
    const running = yield* Serve.start(dataDir, nodeFlags)
    const seconds = yield* profiled(running, label, sendAll(url(running), bodies, "application/x-protobuf"))
    const rss = rssBytes(running.child.pid!)
    yield* Serve.stop(running, "SIGTERM")
    return { seconds, rss }
  })

// One repetition of the ingest, in a fresh data directory for each; VictoriaMetrics, when
// installed, is left running in the scope with what it was sent.
const repetition = (w: Workload.Workload, dataDir: string, withVm: boolean) =>
  Effect.gen(function* () {
    // Samples into a fresh receiver, then a clean stop (WAL checkpointed).
    const { seconds: samplesSeconds, rss: samplesRss } = yield* ingest(
      dataDir,
      "samples",
      (running) => running.metricsUrl + Server.paths.metrics[0],
      w.metrics
    )
    const samplesBytes = dirSize(dataDir)
    // Opening the store loads every stored sample into memory: what a start costs.
    const started = performance.now()
    const held = yield* Effect.scoped(
      Effect.map(Store.make({ dataDir }), (store) => store.metrics.stats().samples)
    ).pipe(Effect.orDie)
    const startSeconds = (performance.now() - started) / 1000
    if (held !== w.samples) return yield* Effect.die(new Error(`serve holds ${held} samples of ${w.samples}`))
    // Records into the same receiver, holding the samples meanwhile.
    const { seconds: recordsSeconds, rss: bothRss } = yield* ingest(
      dataDir,
      "records",
      (running) => running.logsUrl + Server.paths.logs[0],
      w.logs
    )
    const recordsBytes = dirSize(dataDir) - samplesBytes
    const records = yield* Effect.scoped(
      Effect.map(Store.make({ dataDir }), (store) => store.logs.stats().records)
    ).pipe(Effect.orDie)
    if (records !== w.records) return yield* Effect.die(new Error(`serve holds ${records} records of ${w.records}`))
    const ours = { samplesSeconds, samplesBytes, samplesRss, startSeconds, recordsSeconds, recordsBytes, bothRss }
    if (!withVm) return { ingest: ours as Ingest, vm: undefined }
    const vm = yield* VictoriaMetrics.make.pipe(Effect.orDie)
    const vmSeconds = yield* sendAll(`${vm.url}/api/v1/import`, w.imports, "application/json")
    yield* vm.flush(w.series, w.startMs, w.endMs).pipe(Effect.orDie)
    const vmHeld = yield* samplesHeld(vm, w).pipe(Effect.orDie)
    if (vmHeld !== w.samples) return yield* Effect.die(new Error(`VictoriaMetrics holds ${vmHeld} of ${w.samples}`))
    return {
      ingest: { ...ours, vm: { seconds: vmSeconds, bytes: dirSize(vm.dataDir), rss: rssBytes(vm.pid) } } as Ingest,
      vm
    }
  })

// Medians of one query's runs, for one server: wall time of the request, and CPU time the
// server spent on it (every thread of the process, from /proc), which the load of a shared
// machine inflates far less.
interface Times {
  readonly wall: number
  readonly cpu: number
}

interface Timed {
  readonly query: Query
  readonly ours: Times
  readonly vm: Times | undefined
  readonly mismatch: string | undefined
}

// CPU time of every thread of a process so far, in ms (Linux: the first field of each
// thread's schedstat, in ns). A thread that ends meanwhile takes its share with it.
const cpuMs = (pid: number): number => {
  let ns = 0
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0])
    } catch {
      // The thread ended.
    }
  }
  return ns / 1e6
}

// The number of series (PromQL) or lines (LogsQL) an answer holds.
const sizeOf = (query: Query, body: string) =>
  query.language === "PromQL"
    ? (JSON.parse(body) as { data: { result: ReadonlyArray<unknown> } }).data.result.length
    : body.split("\n").filter((l) => l !== "").length

const timeQueries = (queries: ReadonlyArray<Query>, serve: Serve.Running, vm: VictoriaMetrics.Shape | undefined) =>
  Effect.promise(async () => {
    const ask = async (base: string, pid: number, query: Query) => {
      const cpu = cpuMs(pid)
      const started = performance.now()
      const body = await post(base + query.path, query.params.toString(), "application/x-www-form-urlencoded")
      const wall = performance.now() - started
      return { wall, cpu: cpuMs(pid) - cpu, body }
    }
    const runs = Number(args.runs)
    const ours = queries.map((): Array<Times> => [])
    const theirs = queries.map((): Array<Times> => [])
    const mismatches: Array<string | undefined> = []
    // A first run answers (and is checked) untimed; then every query once per run, ours and
    // VictoriaMetrics in turn, so a change of load weighs on every query alike.
    for (let run = -1; run < runs; run++) {
      for (const [i, query] of queries.entries()) {
        const base = query.language === "PromQL" ? serve.metricsUrl : serve.logsUrl
        const a = await ask(base, serve.child.pid!, query)
        const b = query.language === "PromQL" && vm !== undefined ? await ask(vm.url, vm.pid, query) : undefined
        if (run >= 0) {
          ours[i]!.push(a)
          if (b !== undefined) theirs[i]!.push(b)
          continue
        }
        const size = sizeOf(query, a.body)
        if (size === 0) throw new Error(`${query.subject}: no data for ${query.params.get("query")}`)
        const peer = b === undefined ? undefined : sizeOf(query, b.body)
        mismatches[i] = peer === undefined || peer === size ? undefined : `${size} series, VictoriaMetrics ${peer}`
      }
    }
    const medians = (times: ReadonlyArray<Times>): Times => ({
      wall: Bench.median(times.map((t) => t.wall)),
      cpu: Bench.median(times.map((t) => t.cpu))
    })
    return queries.map((query, i): Timed => ({
      query,
      ours: medians(ours[i]!),
      vm: theirs[i]!.length === 0 ? undefined : medians(theirs[i]!),
      mismatch: mismatches[i]
    }))
  })

const count = (n: number) => n.toLocaleString("en")
const ms = (x: number) => `${x.toFixed(1)} ms`
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
const ratio = (x: number) => `${x.toFixed(2)}×`
const meets = (ok: boolean) => (ok ? "✓" : "✗")

const ingestRows = (
  w: Workload.Workload,
  results: ReadonlyArray<Ingest>,
  version: string
): ReadonlyArray<Bench.Row> => {
  const m = (f: (r: Ingest) => number | undefined) => {
    const xs = results.map(f).filter((x): x is number => x !== undefined)
    return xs.length === 0 ? undefined : Bench.median(xs)
  }
  const perSecond = (n: number, s: number) => n / s
  const ours = perSecond(
    w.samples,
    m((r) => r.samplesSeconds)!
  )
  const vmSeconds = m((r) => r.vm?.seconds)
  const vm = vmSeconds === undefined ? undefined : perSecond(w.samples, vmSeconds)
  const records = perSecond(
    w.records,
    m((r) => r.recordsSeconds)!
  )
  const peer = `VictoriaMetrics ${version}`
  const noVm = "VictoriaMetrics not installed (bash scripts/system-packages.sh victoria-metrics)"
  const bytesPerSample = m((r) => r.samplesBytes)! / w.samples
  const vmBytes = m((r) => r.vm?.bytes)
  const section = `receiver ingest (HTTP, ${concurrency} requests in flight), wall, median of ${results.length}`
  const goal = (rate: number) => `${meets(rate >= goalPerSecond)} goal ≥ ${count(goalPerSecond)}/s`
  const samples = `${count(w.samples)} samples (${count(w.series)} series, an OTLP export every ${(w.intervalMs / 1000).toFixed(0)} s)`
  return [
    {
      section,
      subject: `${samples}: gastown-otel serve`,
      value: `${count(Math.round(ours))} samples/s`,
      comparison: `${goal(ours)}; ${vm === undefined ? noVm : `${ratio(ours / vm)} ${peer}`}`
    },
    ...(vm === undefined
      ? []
      : [
          {
            section,
            subject: `${samples}: ${peer} (/api/v1/import, JSON lines)`,
            value: `${count(Math.round(vm))} samples/s`
          }
        ]),
    {
      section,
      subject: `${count(w.records)} log records (${count(w.recordsPerRequest)} a request): gastown-otel serve`,
      value: `${count(Math.round(records))} records/s`,
      comparison: `${goal(records)}; no peer: VictoriaLogs is not installed (Debian does not package it)`
    },
    {
      section: "receiver on disk",
      subject: "bytes per sample: gastown-otel serve (SQLite, after a clean stop)",
      value: `${bytesPerSample.toFixed(2)} B`,
      comparison: vmBytes === undefined ? noVm : `${ratio((bytesPerSample * w.samples) / vmBytes)} ${peer}`
    },
    ...(vmBytes === undefined
      ? []
      : [
          {
            section: "receiver on disk",
            subject: `bytes per sample: ${peer} (after /internal/force_flush)`,
            value: `${(vmBytes / w.samples).toFixed(2)} B`
          }
        ]),
    {
      section: "receiver on disk",
      subject: "bytes per log record: gastown-otel serve",
      value: `${(m((r) => r.recordsBytes)! / w.records).toFixed(1)} B`,
      comparison: "no peer"
    },
    {
      section: "receiver memory",
      subject: `start over ${count(w.samples)} stored samples (loaded into memory)`,
      value: `${m((r) => r.startSeconds)!.toFixed(2)} s`
    },
    {
      section: "receiver memory",
      subject: "RSS after the samples: gastown-otel serve",
      value: mb(m((r) => r.samplesRss)!),
      comparison: vm === undefined ? noVm : `${ratio(m((r) => r.samplesRss)! / m((r) => r.vm?.rss)!)} ${peer}`
    },
    ...(vm === undefined
      ? []
      : [{ section: "receiver memory", subject: `RSS after the samples: ${peer}`, value: mb(m((r) => r.vm?.rss)!) }]),
    {
      section: "receiver memory",
      subject: "RSS after the samples and records: gastown-otel serve",
      value: mb(m((r) => r.bothRss)!)
    }
  ]
}

const querySection = (w: Workload.Workload) => {
  const step = Grafana.request("", {
    fromMs: w.startMs,
    toMs: w.endMs,
    maxDataPoints,
    variables: {},
    allValue: Queries.allValue
  }).stepMs
  return `receiver dashboard queries (6 h by ${step / 1000} s, variables All), p50 of ${args.runs}`
}

const noPeer = (t: Timed) =>
  t.query.language === "LogsQL" ? "no peer (VictoriaLogs)" : "VictoriaMetrics not installed"

// A row per query.
const eachRow = (section: string, version: string) => (t: Timed) => ({
  section,
  subject: `${t.query.dashboard} › ${t.query.subject} (${t.query.language})`,
  value: `${ms(t.ours.wall)} wall, ${ms(t.ours.cpu)} CPU`,
  comparison: [
    `${meets(t.ours.wall <= goalMs)} ≤ ${goalMs} ms`,
    t.vm === undefined
      ? noPeer(t)
      : `${ratio(t.ours.wall / t.vm.wall)} VictoriaMetrics ${version} wall, ${ratio(t.ours.cpu / t.vm.cpu)} CPU (${ms(t.vm.wall)}, ${ms(t.vm.cpu)})`,
    t.mismatch
  ]
    .filter((x) => x !== undefined)
    .join("; ")
})

const span = (xs: ReadonlyArray<number>) =>
  xs.length === 1
    ? ratio(xs[0]!)
    : `${ratio(Math.min(...xs))}–${ratio(Math.max(...xs))} (median ${ratio(Bench.median(xs))})`

// A row per dashboard section: the slowest query's p50 and the median one, how many meet the
// goal, the ratios to VictoriaMetrics; and a last row over every query.
const groupRow = (section: string, subject: string, timed: ReadonlyArray<Timed>): Bench.Row => {
  const worst = timed.reduce((a, b) => (b.ours.wall > a.ours.wall ? b : a))
  const within = timed.filter((t) => t.ours.wall <= goalMs).length
  const peered = timed.flatMap((t) => (t.vm === undefined ? [] : [{ ours: t.ours, vm: t.vm }]))
  const languages = [...new Set(timed.map((t) => t.query.language))]
    .map((l) => `${timed.filter((t) => t.query.language === l).length} ${l}`)
    .join(", ")
  return {
    section,
    subject: `${subject} (${languages})`,
    value: `wall ≤ ${ms(worst.ours.wall)}, median ${ms(Bench.median(timed.map((t) => t.ours.wall)))}; CPU median ${ms(Bench.median(timed.map((t) => t.ours.cpu)))}`,
    comparison: [
      `${meets(within === timed.length)} ${within}/${timed.length} ≤ ${goalMs} ms${within === timed.length ? "" : ` (slowest: ${worst.query.subject})`}`,
      peered.length === 0
        ? noPeer(timed[0]!)
        : `VictoriaMetrics wall ${span(peered.map((p) => p.ours.wall / p.vm.wall))}, CPU ${span(peered.map((p) => p.ours.cpu / p.vm.cpu))}`,
      ...timed.flatMap((t) => (t.mismatch === undefined ? [] : [`${t.query.subject}: ${t.mismatch}`]))
    ].join("; ")
  }
}

const queryRows = (w: Workload.Workload, timed: ReadonlyArray<Timed>, version: string): ReadonlyArray<Bench.Row> => {
  const section = querySection(w)
  if (args.each) return timed.map(eachRow(section, version))
  const sections = Map.groupBy(timed, (t) => `${t.query.dashboard} › ${t.query.section}`)
  return [
    ...[...sections].map(([subject, group]) => groupRow(section, subject, group)),
    groupRow(section, "every dashboard query", timed)
  ]
}

const program = Effect.gen(function* () {
  const tmp = yield* TempDir.make("receiver-bench-")
  const workload = Workload.make({ samples: Number(args.samples), records: Number(args.records), endMs: Date.now() })
  const withVm = fs.existsSync(VictoriaMetrics.binary)
  const reps = Number(args.reps)
  const results: Array<Ingest> = []
  let vm: VictoriaMetrics.Shape | undefined
  for (let rep = 0; rep < reps; rep++) {
    // The last repetition's VictoriaMetrics stays up for the queries.
    const scope = yield* Scope.make()
    const dataDir = path.join(tmp, `serve-${rep}`)
    const done = yield* repetition(workload, dataDir, withVm).pipe(Scope.provide(scope))
    results.push(done.ingest)
    if (rep < reps - 1) {
      yield* Scope.close(scope, Exit.void)
      fs.rmSync(dataDir, { recursive: true, force: true })
    } else {
      vm = done.vm
      yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    }
    process.stderr.write(`receiver bench: repetition ${rep + 1}/${reps} done, load average ${Bench.loadAverage()}\n`)
  }
  const version = vm?.version.replace(/[-+].*$/, "") ?? ""
  const serve = yield* Serve.start(path.join(tmp, `serve-${reps - 1}`), nodeFlags)
  const timed = yield* profiled(serve, "queries", timeQueries(dashboardQueries(workload), serve, vm))
  return [...ingestRows(workload, results, version), ...queryRows(workload, timed, version)]
})

await Bench.main(() => Effect.runPromise(Effect.scoped(program)).finally(() => agent.destroy()))
