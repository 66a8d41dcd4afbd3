// Ingest throughput of the receiver over HTTP, as exporters send: 1,000,000 samples in
// requests of 1,000 series with one point each, and 1,000,000 log records in requests of
// 1,000 records (the exporter's cap), each request committed (fsync) before it is answered.
// Also: bytes on disk per sample and per record, query latency over what was stored, and
// the decoder against protobufjs on the same bodies. Requests are encoded beforehand by
// the official OTLP definitions and not timed.
//
//   bash scripts/with-node.sh node packages/receiver/bench/ingest.ts [samples] [records]
import { Catalogue, Correlation, Naming, Resource } from "@gastown-otel/schema"
import { Context, Effect, Layer } from "effect"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { spawn } from "node:child_process"
import * as OtlpLogs from "../src/otlp/Logs.ts"
import * as OtlpMetrics from "../src/otlp/Metrics.ts"
import * as Server from "../src/Server.ts"
import * as Store from "../src/Store.ts"

interface MessageType {
  readonly fromObject: (object: unknown) => unknown
  readonly encode: (message: unknown) => { finish: () => Uint8Array }
  readonly decode: (bytes: Uint8Array) => unknown
}
const root = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js")
const MetricsRequest: MessageType = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest
const LogsRequest: MessageType = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest

const totalSamples = Number(process.argv[2] ?? 1_000_000)
const totalRecords = Number(process.argv[3] ?? 1_000_000)
const perRequest = 1000
const concurrency = 4

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

const post = async (url: string, body: Uint8Array) => {
  const response = await fetch(url, {
    method: "POST",
    body: body as Uint8Array<ArrayBuffer>,
    headers: { "content-type": "application/x-protobuf" }
  })
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`)
}

const sendAll = async (url: string, bodies: ReadonlyArray<Uint8Array>) => {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await post(url, bodies[next++]!)
    })
  )
  return (performance.now() - started) / 1000
}

const median = (f: () => void, runs = 21) => {
  const times: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    f()
    times.push(performance.now() - t)
  }
  return times.toSorted((a, b) => a - b)[Math.floor(runs / 2)]!.toFixed(1)
}

const dirSize = (dir: string) => fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)

class Bench extends Context.Service<Bench, { store: Store.Store["Service"]; receiver: Server.Receiver["Service"] }>()(
  "bench/Bench"
) {}

// The receiver as exporters meet it: its own `serve` process, on its own core.
const serveProcess = (dataDir: string) =>
  new Promise<{ metricsUrl: string; logsUrl: string; stop: () => Promise<void> }>((resolve, reject) => {
    const bin = new URL("../src/bin.ts", import.meta.url).pathname
    const child = spawn(
      process.execPath,
      [
        ...(process.env.SERVE_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/cpuprof"] : []),
        bin,
        "serve",
        "--data-dir",
        dataDir,
        "--metrics-port",
        "0",
        "--logs-port",
        "0"
      ],
      {
        stdio: ["ignore", "pipe", "inherit"]
      }
    )
    const exited = new Promise<void>((done) => child.on("exit", () => done()))
    let output = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      const ready = /metrics (\S+), logs (\S+),/.exec(output)
      if (ready !== null) {
        resolve({
          metricsUrl: ready[1]!,
          logsUrl: ready[2]!,
          stop: () => {
            child.kill("SIGTERM")
            return exited
          }
        })
      }
    })
    void exited.then(() => reject(new Error(`serve exited: ${output}`)))
  })

const withReceiver = <A>(dataDir: string, f: (b: Bench["Service"]) => Promise<A>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const context = yield* Layer.build(
        Server.layer({ metricsPort: 0, logsPort: 0 }).pipe(Layer.provideMerge(Store.layer({ dataDir })))
      )
      return yield* Effect.promise(() =>
        f({ store: Context.get(context, Store.Store), receiver: Context.get(context, Server.Receiver) })
      )
    }).pipe(Effect.scoped)
  )

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-bench-"))
try {
  console.log(`node ${process.version}, ${os.cpus().length} cores; ${concurrency} requests in flight`)
  const metricBodies = Array.from({ length: Math.ceil(totalSamples / perRequest) }, (_, i) => metricsRequest(i))
  const logBodies = Array.from({ length: Math.ceil(totalRecords / perRequest) }, (_, i) => logsRequest(i))

  // Decoding alone, ours against protobufjs (which also leaves labels unformatted).
  const sample = metricBodies.slice(0, 50)
  const ours = median(() => sample.forEach((b) => OtlpMetrics.decode(b, () => {})), 5)
  const protobufjs = median(() => sample.forEach((b) => MetricsRequest.decode(b)), 5)
  const logSample = logBodies.slice(0, 20)
  const oursLogs = median(() => logSample.forEach((b) => OtlpLogs.decode(b, () => {})), 5)
  const protobufjsLogs = median(() => logSample.forEach((b) => LogsRequest.decode(b)), 5)
  console.log(
    `decode 50,000 points: ours ${ours} ms, protobufjs ${protobufjs} ms; 20,000 log records: ours ${oursLogs} ms, protobufjs ${protobufjsLogs} ms`
  )

  const metricsDir = path.join(tmp, "metrics")
  const metricsServer = await serveProcess(metricsDir)
  const metricsSeconds = await sendAll(metricsServer.metricsUrl + Server.paths.metrics[0], metricBodies)
  await metricsServer.stop()
  const reopenStarted = performance.now()
  await withReceiver(metricsDir, async ({ store }) => {
    console.log(`  reopen (load into memory): ${((performance.now() - reopenStarted) / 1000).toFixed(2)} s`)
    const seconds = metricsSeconds
    const n = store.metrics.stats().samples
    console.log(
      `metrics: ${n.toLocaleString()} samples in ${seconds.toFixed(1)} s = ${Math.round(n / seconds).toLocaleString()} samples/s`
    )
    const name = Naming.promCompatible(counter.name)
    const end = Date.now()
    console.log(
      `  select one series (1,000 samples): ${median(() =>
        store.metrics.select(
          [
            { name: "__name__", op: "=", value: name },
            { name: "series", op: "=", value: "s-7" }
          ],
          start,
          end
        )
      )} ms; ` +
        `a rig's 100 series: ${median(() =>
          store.metrics.select(
            [
              { name: "__name__", op: "=", value: name },
              { name: Naming.promCompatibleLabel(labelKeys[1]!), op: "=", value: `${labelKeys[1]}-3` }
            ],
            start,
            end
          )
        )} ms; ` +
        `every series, all 1,000,000 samples: ${median(() => store.metrics.select([{ name: "__name__", op: "=", value: name }], start, end))} ms; ` +
        `regex over 1,000 series: ${median(() =>
          store.metrics.select(
            [
              { name: "__name__", op: "=", value: name },
              { name: "subcommand", op: "=~", value: "cmd-1.*" }
            ],
            start,
            end
          )
        )} ms (p50)`
    )
  })
  const metricsBytes = dirSize(metricsDir)
  console.log(
    `  on disk: ${(metricsBytes / 1e6).toFixed(1)} MB, ${(metricsBytes / totalSamples).toFixed(1)} bytes/sample`
  )

  const logsDir = path.join(tmp, "logs")
  const logsServer = await serveProcess(logsDir)
  const logsSeconds = await sendAll(logsServer.logsUrl + Server.paths.logs[0], logBodies)
  await logsServer.stop()
  await withReceiver(logsDir, async ({ store }) => {
    const seconds = logsSeconds
    const n = store.logs.stats().records
    console.log(
      `logs: ${n.toLocaleString()} records in ${seconds.toFixed(1)} s = ${Math.round(n / seconds).toLocaleString()} records/s`
    )
    // The records span [start, start + requests seconds): ranges relative to that.
    const startNs = BigInt(start) * 1_000_000n
    const endNs = BigInt(start + logBodies.length * 1000) * 1_000_000n
    const newest =
      (limit: number, range = { startNs, endNs }) =>
      () => {
        let seen = 0
        store.logs.scan(range, () => ++seen < limit)
      }
    const lastMinute = { startNs: endNs - 60_000_000_000n, endNs }
    console.log(
      `  newest 1,000 records: ${median(newest(1000))} ms; last 60 s (${(60 * perRequest).toLocaleString()} records): ${median(newest(Infinity, lastMinute), 5)} ms; ` +
        `every record: ${median(newest(Infinity), 3)} ms; streams: ${median(() => store.logs.streams({ startNs, endNs }))} ms (p50)`
    )
  })
  const logsBytes = dirSize(logsDir)
  console.log(`  on disk: ${(logsBytes / 1e6).toFixed(1)} MB, ${(logsBytes / totalRecords).toFixed(0)} bytes/record`)
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
