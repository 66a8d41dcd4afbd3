// Ingest throughput of the receiver over HTTP, as exporters send, side by side with the
// real VictoriaMetrics fed the same samples in the same run:
//
// - metrics: 1,000,000 samples in requests of 1,000 series with one point each, to a
//   `gastown-otel serve` process (each request durable before it is answered), and the
//   same samples, labelled as we store them, to `victoria-metrics` through `/api/v1/import`
//   (JSON lines, one sample a line: the 1.79 packaged by Debian predates OTLP ingestion);
// - logs: 1,000,000 records in requests of 1,000 (the exporter's cap), ours alone
//   (VictoriaLogs is not packaged by Debian);
// - bytes on disk per sample (ours after a clean stop, VictoriaMetrics' after
//   `/internal/force_flush`) and per record, the reload of the samples at start, the serve
//   process' RSS, and query latencies over what was stored.
//
// Every request is encoded beforehand (the official OTLP definitions; JSON lines for
// VictoriaMetrics) and not timed; 4 requests are in flight on kept-alive connections.
// Medians over the repetitions.
//
//   bash scripts/with-node.sh node packages/receiver/bench/ingest.ts \
//     [--samples 1000000] [--records 1000000] [--reps 3] [--profile DIR]
//
// `--profile DIR` writes a CPU profile of the serve process per load (taken through the
// inspector from the first request to the last answer: start-up and reload are left out)
// and prints its heaviest functions. `victoria-metrics` comes from
// `bash scripts/system-packages.sh victoria-metrics`; without it its rows are left empty.
import { Catalogue, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import * as OtlpMetrics from "../src/otlp/Metrics.ts"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"

interface MessageType {
  readonly fromObject: (object: unknown) => unknown
  readonly encode: (message: unknown) => { finish: () => Uint8Array }
}
const root = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js")
const MetricsRequest: MessageType = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest
const LogsRequest: MessageType = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "1000000" },
    records: { type: "string", default: "1000000" },
    reps: { type: "string", default: "3" },
    profile: { type: "string" }
  }
})
const totalSamples = Number(args.samples)
const totalRecords = Number(args.records)
const reps = Number(args.reps)
const perRequest = 1000
const concurrency = 4
const vmBinary = "/usr/bin/victoria-metrics"

const attrs = (record: Record<string, string | number>) =>
  Object.entries(record).map(([key, value]) => ({
    key,
    value: typeof value === "string" ? { stringValue: value } : { doubleValue: value }
  }))
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString()
const resource = {
  attributes: attrs({ [Resource.keys.serviceName]: Resource.serviceNames.gt, [Resource.keys.hostName]: "bench" })
}
const labelKeys = Correlation.definitions.filter((l) => l.onMetrics).map((l) => l.key)
const counter = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "counter")!
const start = Date.now() - 3_600_000

// Request i: 1,000 series of one counter (rigs × subcommands), one cumulative point each.
const metricsRequest = (i: number) =>
  MetricsRequest.encode(
    MetricsRequest.fromObject({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope: { name: "gastown", version: "0.1.0" },
              metrics: [
                {
                  name: counter.name,
                  unit: counter.unit,
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: Array.from({ length: perRequest }, (_, s) => ({
                      attributes: attrs({
                        ...Object.fromEntries(labelKeys.map((k) => [k, `${k}-${s % 10}`])),
                        subcommand: `cmd-${s % 100}`,
                        status: s % 7 === 0 ? "error" : "ok",
                        series: `s-${s}`
                      }),
                      timeUnixNano: nanos(start + i * 1000),
                      asInt: String(i)
                    }))
                  }
                }
              ]
            }
          ]
        }
      ]
    })
  ).finish()

// Request i: 1,000 records of one resource, a millisecond apart, each with the gt labels,
// an argument list, a duration and a JSON stdout.
const logsRequest = (i: number) =>
  LogsRequest.encode(
    LogsRequest.fromObject({
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: "gastown" },
              logRecords: Array.from({ length: perRequest }, (_, r) => ({
                timeUnixNano: nanos(start + i * 1000 + r),
                severityNumber: 9,
                body: { stringValue: "bd.call" },
                attributes: attrs({
                  ...Object.fromEntries(Correlation.definitions.map((l) => [l.key, `${l.key}-${r % 10}`])),
                  subcommand: `cmd-${r % 100}`,
                  args: `show bd-${i * perRequest + r} --json`,
                  duration_ms: 4.2 + r,
                  status: "ok",
                  stdout: `{"id":"bd-${r}","title":"A title of some length for issue ${r}"}`
                }),
                traceId: Buffer.alloc(16, i % 256).toString("base64"),
                spanId: Buffer.alloc(8, r % 256).toString("base64")
              }))
            }
          ]
        }
      ]
    })
  ).finish()

// The same samples for VictoriaMetrics' /api/v1/import: one JSON line per sample, labelled
// exactly as our receiver stores them (its own decoder names them), 1,000 lines a request.
const importRequest = (body: Uint8Array) => {
  const lines: Array<string> = []
  OtlpMetrics.decode(body, (_key, labels, ms, value) => {
    const metric: Record<string, string> = {}
    for (let i = 0; i < labels.length; i += 2) metric[labels[i]!] = labels[i + 1]!
    lines.push(JSON.stringify({ metric, values: [value], timestamps: [ms] }))
  })
  return new TextEncoder().encode(lines.join("\n") + "\n")
}

// node:http with kept-alive connections: undici's fetch manages about 40 requests/s of 400 KB
// here even against a server that only reads them, which would measure the client.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })

const post = (url: string, body: Uint8Array, contentType: string) =>
  new Promise<void>((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": contentType, "content-length": body.byteLength } },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => {
          const status = response.statusCode ?? 0
          if (status >= 200 && status <= 299) resolve()
          else reject(new Error(`${url}: ${status} ${Buffer.concat(chunks).toString()}`))
        })
      }
    )
    request.on("error", reject)
    request.end(body)
  })

// Seconds to send every body, `concurrency` requests in flight.
const sendAll = async (url: string, bodies: ReadonlyArray<Uint8Array>, contentType = "application/x-protobuf") => {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await post(url, bodies[next++]!, contentType)
    })
  )
  return (performance.now() - started) / 1000
}

const median = (xs: ReadonlyArray<number>) => {
  const sorted = xs.toSorted((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const timed = (f: () => void, runs: number) =>
  median(
    Array.from({ length: runs }, () => {
      const t = performance.now()
      f()
      return performance.now() - t
    })
  )

const dirSize = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce(
      (n, e) => n + (e.isDirectory() ? dirSize(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size),
      0
    )

// Resident memory of a process, from /proc (Linux).
const rssBytes = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

interface Process {
  readonly child: ChildProcess
  readonly output: () => string
  readonly stop: () => Promise<void>
}

// Starts a process and resolves once its output matches `ready` (within a minute).
const startProcess = (command: string, argv: ReadonlyArray<string>, ready: RegExp) =>
  new Promise<Process & { readonly match: RegExpExecArray }>((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${command} not ready after a minute: ${output}`))
    }, 60_000)
    const exited = new Promise<void>((done) => child.on("exit", () => done()))
    let resolved = false
    const onData = (chunk: string) => {
      output += chunk
      const match = resolved ? null : ready.exec(output)
      if (match === null) return
      resolved = true
      clearTimeout(timer)
      resolve({
        child,
        match,
        output: () => output,
        stop: () => {
          stopping = true
          child.kill("SIGTERM")
          return exited
        }
      })
    }
    child.stdout!.setEncoding("utf8").on("data", onData)
    child.stderr!.setEncoding("utf8").on("data", onData)
    let stopping = false
    void exited.then(() => {
      if (!stopping) console.error(`${command} exited unexpectedly (${child.exitCode ?? child.signalCode}): ${output}`)
      reject(new Error(`${command} exited: ${output}`))
    })
  })

// The receiver as exporters meet it: its own `serve` process. With an inspector port when
// profiling (the inspector announces itself on stderr before the ready line).
const serveProcess = async (dataDir: string, inspect: boolean) => {
  const bin = new URL("../src/bin.ts", import.meta.url).pathname
  const p = await startProcess(
    process.execPath,
    [
      ...(inspect ? ["--inspect=127.0.0.1:0"] : []),
      bin,
      "serve",
      "--data-dir",
      dataDir,
      "--metrics-port",
      "0",
      "--logs-port",
      "0"
    ],
    /metrics (\S+), logs (\S+),/
  )
  const inspector = /Debugger listening on (ws:\S+)/.exec(p.output())?.[1]
  return { ...p, metricsUrl: p.match[1]!, logsUrl: p.match[2]!, inspector }
}

// A minimal Chrome DevTools Protocol client: enough to start and stop the V8 profiler.
const devtools = async (url: string) => {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve)
    socket.addEventListener("error", reject)
  })
  let id = 0
  const pending = new Map<number, (result: unknown) => void>()
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const send = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      pending.set(++id, resolve)
      socket.send(JSON.stringify({ id, method, params }))
    })
  return { send, close: () => socket.close() }
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}

// The heaviest functions by self time, and by total time (self + callees) for our own code.
const summarize = (profile: { nodes: ReadonlyArray<ProfileNode>; samples: ReadonlyArray<number> }, top = 25) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|packages)\//, "")}:${n.callFrame.lineNumber + 1}`
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const sample of profile.samples) {
    const node = byId.get(sample)!
    self.set(label(node), (self.get(label(node)) ?? 0) + 1)
    const seen = new Set<string>()
    for (let at: number | undefined = sample; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!)
      if (!seen.has(l)) total.set(l, (total.get(l) ?? 0) + 1)
      seen.add(l)
    }
  }
  const n = profile.samples.length
  const print = (title: string, map: Map<string, number>, filter: (l: string) => boolean) => {
    console.log(title)
    for (const [l, c] of [...map]
      .filter(([l]) => filter(l))
      .toSorted((a, b) => b[1] - a[1])
      .slice(0, top))
      console.log(`  ${((100 * c) / n).toFixed(1).padStart(5)}%  ${l}`)
  }
  print("  self time:", self, () => true)
  print("  total time, receiver code:", total, (l) => l.includes("receiver/src"))
}

// Runs `load` against a serve process, profiled when asked.
const profiled = async (server: { inspector: string | undefined }, name: string, load: () => Promise<number>) => {
  if (args.profile === undefined || server.inspector === undefined) return load()
  const client = await devtools(server.inspector)
  await client.send("Profiler.enable")
  await client.send("Profiler.setSamplingInterval", { interval: 200 })
  await client.send("Profiler.start")
  const seconds = await load()
  const { profile } = await client.send("Profiler.stop")
  client.close()
  fs.mkdirSync(args.profile, { recursive: true })
  const file = path.join(args.profile, `${name}.cpuprofile`)
  fs.writeFileSync(file, JSON.stringify(profile))
  console.log(`profile ${file}:`)
  summarize(profile)
  return seconds
}

// VictoriaMetrics on a free port of 127.0.0.1 with its own data directory.
const victoriaMetrics = async (dataDir: string) => {
  const port = await freePort()
  const p = await startProcess(
    vmBinary,
    [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, "-retentionPeriod=1y"],
    /starting http server at/
  )
  return { ...p, url: `http://127.0.0.1:${port}` }
}

// Samples VictoriaMetrics holds, counted by a query over the last two hours.
const samplesHeld = async (url: string) => {
  const query = encodeURIComponent(`sum(count_over_time({__name__!=""}[2h]))`)
  const response = await fetch(`${url}/api/v1/query?query=${query}`)
  const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } }
  return Number(body.data.result[0]?.value[1] ?? 0)
}

interface Rep {
  emptyRss: number
  metricsSeconds: number
  metricsBytes: number
  metricsRss: number
  reloadSeconds: number
  reloadedSamples: number
  logsSeconds: number
  logsBytes: number
  rssBoth: number
  storedRecords: number
  vmSeconds?: number
  vmBytes?: number
  vmRss?: number
  queries: Record<string, number>
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-bench-"))
const hasVm = fs.existsSync(vmBinary)
const loadAtStart = os.loadavg()
const startedAt = new Date()

const metricBodies = Array.from({ length: Math.ceil(totalSamples / perRequest) }, (_, i) => metricsRequest(i))
const logBodies = Array.from({ length: Math.ceil(totalRecords / perRequest) }, (_, i) => logsRequest(i))
const importBodies = hasVm ? metricBodies.map(importRequest) : []

// Query latencies over the stored data, in this process (the engines call the store in
// the serve process the same way).
const queries = (store: Store.Store["Service"]) => {
  const name = Naming.promCompatible(counter.name)
  const end = Date.now()
  const select = (matchers: Array<{ name: string; op: "=" | "=~"; value: string }>) => () =>
    store.metrics.select([{ name: "__name__", op: "=", value: name }, ...matchers], start, end)
  const startNs = BigInt(start) * 1_000_000n
  const endNs = BigInt(start + logBodies.length * 1000) * 1_000_000n
  const newest =
    (limit: number, range = { startNs, endNs }) =>
    () => {
      let seen = 0
      store.logs.scan(range, () => ++seen < limit)
    }
  return {
    "select 1 series": timed(select([{ name: "series", op: "=", value: "s-7" }]), 21),
    "select a rig's 100 series": timed(
      select([{ name: Naming.promCompatibleLabel(labelKeys[1]!), op: "=", value: `${labelKeys[1]}-3` }]),
      21
    ),
    "select every sample": timed(select([]), 5),
    "select by regex": timed(select([{ name: "subcommand", op: "=~", value: "cmd-1.*" }]), 21),
    "logs: newest 1,000": timed(newest(1000), 21),
    "logs: last 60 s": timed(newest(Infinity, { startNs: endNs - 60_000_000_000n, endNs }), 5),
    "logs: every record": timed(newest(Infinity), 3),
    "logs: streams": timed(() => store.logs.streams({ startNs, endNs }), 21)
  }
}

const repetition = async (rep: number): Promise<Rep> => {
  const dataDir = path.join(tmp, `serve-${rep}`)
  const profile = rep === 0
  // Metrics into a fresh receiver, then a clean stop (WAL checkpointed).
  const first = await serveProcess(dataDir, profile && args.profile !== undefined)
  const emptyRss = rssBytes(first.child.pid!)
  const metricsSeconds = await profiled(first, "metrics", () =>
    sendAll(first.metricsUrl + Server.paths.metrics[0], metricBodies)
  )
  const metricsRss = rssBytes(first.child.pid!)
  await first.stop()
  const metricsBytes = dirSize(dataDir)
  // The reload at start: opening the store loads every stored sample into memory.
  const reloadStarted = performance.now()
  const { reloadSeconds, reloadedSamples } = await Effect.runPromise(
    Effect.scoped(
      Effect.map(Store.make({ dataDir }), (store) => ({
        reloadSeconds: (performance.now() - reloadStarted) / 1000,
        reloadedSamples: store.metrics.stats().samples
      }))
    )
  )
  // Logs into the same receiver restarted, which holds the samples meanwhile.
  const second = await serveProcess(dataDir, profile && args.profile !== undefined)
  const logsSeconds = await profiled(second, "logs", () => sendAll(second.logsUrl + Server.paths.logs[0], logBodies))
  const rssBoth = rssBytes(second.child.pid!)
  await second.stop()
  const logsBytes = dirSize(dataDir) - metricsBytes
  const { storedRecords, latencies } = await Effect.runPromise(
    Effect.scoped(
      Effect.map(Store.make({ dataDir }), (store) => ({
        storedRecords: store.logs.stats().records,
        latencies: queries(store)
      }))
    )
  )
  fs.rmSync(dataDir, { recursive: true, force: true })
  const result: Rep = {
    emptyRss,
    metricsSeconds,
    metricsBytes,
    metricsRss,
    reloadSeconds,
    reloadedSamples,
    logsSeconds,
    logsBytes,
    rssBoth,
    storedRecords,
    queries: latencies
  }
  if (!hasVm) return result
  const vmDir = path.join(tmp, `vm-${rep}`)
  const vm = await victoriaMetrics(vmDir)
  try {
    result.vmSeconds = await sendAll(vm.url + "/api/v1/import", importBodies, "application/json")
    await fetch(vm.url + "/internal/force_flush")
    result.vmBytes = dirSize(vmDir)
    result.vmRss = rssBytes(vm.child.pid!)
    // Flushed rows become searchable shortly after: wait for all of them (a minute at most).
    let held = await samplesHeld(vm.url)
    for (let tries = 0; held !== totalSamples && tries < 60; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      held = await samplesHeld(vm.url)
    }
    if (held !== totalSamples) throw new Error(`VictoriaMetrics holds ${held} samples, expected ${totalSamples}`)
  } finally {
    await vm.stop()
    fs.rmSync(vmDir, { recursive: true, force: true })
  }
  return result
}

try {
  const results: Array<Rep> = []
  for (let rep = 0; rep < reps; rep++) {
    results.push(await repetition(rep))
    console.error(`repetition ${rep + 1}/${reps} done; load average ${os.loadavg()[0]!.toFixed(2)}`)
  }
  const m = (f: (r: Rep) => number | undefined) => {
    const xs = results.map(f).filter((x): x is number => x !== undefined)
    return xs.length === 0 ? undefined : median(xs)
  }
  const rate = (n: number, seconds: number | undefined) =>
    seconds === undefined ? "–" : `${Math.round(n / seconds).toLocaleString("en")}/s`
  const mb = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1e6).toFixed(1)} MB`)
  const per = (bytes: number | undefined, n: number) => (bytes === undefined ? "–" : (bytes / n).toFixed(2))
  const ours = m((r) => r.metricsSeconds)!
  const vm = m((r) => r.vmSeconds)
  const cpu = os.cpus()[0]?.model ?? "unknown cpu"
  const rows: Array<[string, string, string]> = [
    ["machine", `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, ""],
    ["node", process.version, ""],
    ["date", startedAt.toISOString(), ""],
    ["load average at start (1, 5, 15 min)", loadAtStart.map((l) => l.toFixed(2)).join(", "), ""],
    ["repetitions (medians below)", String(results.length), ""],
    ["", "gastown-otel serve", hasVm ? "VictoriaMetrics 1.79 (Debian)" : "VictoriaMetrics: not installed"],
    [
      `metrics: ${totalSamples.toLocaleString("en")} samples, ${perRequest} a request`,
      `${ours.toFixed(2)} s = ${rate(totalSamples, ours)}`,
      vm === undefined ? "–" : `${vm.toFixed(2)} s = ${rate(totalSamples, vm)}`
    ],
    ["  throughput, ours ÷ VictoriaMetrics", vm === undefined ? "–" : (vm / ours).toFixed(2), ""],
    [
      "  on disk, bytes/sample",
      `${per(
        m((r) => r.metricsBytes),
        totalSamples
      )} (${mb(m((r) => r.metricsBytes))})`,
      `${per(
        m((r) => r.vmBytes),
        totalSamples
      )} (${mb(m((r) => r.vmBytes))}, after force_flush)`
    ],
    [
      "  on disk, ours ÷ VictoriaMetrics",
      hasVm ? (m((r) => r.metricsBytes)! / m((r) => r.vmBytes)!).toFixed(2) : "–",
      ""
    ],
    ["  RSS when started, empty", mb(m((r) => r.emptyRss)), ""],
    ["  RSS after the samples", mb(m((r) => r.metricsRss)), mb(m((r) => r.vmRss))],
    [
      "  reload at start",
      `${m((r) => r.reloadSeconds)!.toFixed(2)} s for ${m((r) => r.reloadedSamples)!.toLocaleString("en")} samples`,
      ""
    ],
    [
      `logs: ${totalRecords.toLocaleString("en")} records, ${perRequest} a request`,
      `${m((r) => r.logsSeconds)!.toFixed(2)} s = ${rate(
        totalRecords,
        m((r) => r.logsSeconds)
      )}`,
      "VictoriaLogs: not packaged by Debian"
    ],
    ["  records stored", m((r) => r.storedRecords)!.toLocaleString("en"), ""],
    [
      "  on disk, bytes/record",
      `${per(
        m((r) => r.logsBytes),
        totalRecords
      )} (${mb(m((r) => r.logsBytes))})`,
      ""
    ],
    ["  RSS after the samples and records", mb(m((r) => r.rssBoth)), ""],
    ...Object.keys(results[0]!.queries).map((q): [string, string, string] => [
      `query: ${q}`,
      `${m((r) => r.queries[q])!.toFixed(1)} ms`,
      ""
    ]),
    [
      "load average at end (1, 5, 15 min)",
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(", "),
      ""
    ]
  ]
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)))
  const line = (r: ReadonlyArray<string>) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`
  console.log(line(["", "", ""]))
  console.log(line(widths.map((w) => "-".repeat(w))))
  for (const r of rows) console.log(line(r))
} finally {
  agent.destroy()
  fs.rmSync(tmp, { recursive: true, force: true })
}
