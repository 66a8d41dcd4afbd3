// What exporting costs end to end, and what a backend that is down costs in memory; ours
// against the OpenTelemetry JS SDK 2.12 / 0.223 doing the same work (Workload.ts: bd.call
// events, each in a span of its own) in the same run.
//
// Throughput: the events through the live layer (`Telemetry.layer`: recorder, host-wide
// totals, tracer, encoder, spool, HTTP; OursPipeline.ts) from the first emit until the layer's
// scope has closed and every request was answered; the SDK's pipeline (SdkPipeline.ts) until
// its providers have shut down. The endpoint is a capture server in a process of its own
// (sink.ts), so what it spends is nobody's. Both yield to the event loop every 1,000 events,
// export every second in requests of at most 1,000 items, and lose nothing (checked: every
// record and span is decoded at the endpoint). Rounds alternate between the two; wall time,
// CPU time of the exporting process and bytes on the wire (request bodies) are medians.
//
// Memory: 1,000,000 events as fast as they come with the backend down (a closed port), each
// round in a fresh process (--expose-gc) per contender that loads only its pipeline (the two
// side by side), both with their default bounds (ours: a 16 MiB spool; the SDK: queues of
// 2,048 a signal, the rest dropped): RSS and live heap after a collection once the last event
// is emitted, and their growth since the pipeline was loaded; medians.
//
//   bash scripts/with-node.sh node --conditions=@gastown-otel/source packages/telemetry/bench/export.ts
//   (BENCH_EXPORT_EVENTS, BENCH_EXPORT_ROUNDS, BENCH_MEMORY_EVENTS, BENCH_MEMORY_ROUNDS for a quicker run)
import * as Bench from "@gastown-otel/testkit/Bench"
import { fork, spawn } from "node:child_process"
import { once } from "node:events"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import type { Arrived } from "./sink.ts"
import type * as Workload from "./Workload.ts"

const N = Number(process.env["BENCH_EXPORT_EVENTS"] ?? 50_000)
const ROUNDS = Number(process.env["BENCH_EXPORT_ROUNDS"] ?? 5)
const MEMORY_EVENTS = Number(process.env["BENCH_MEMORY_EVENTS"] ?? 1_000_000)
const MEMORY_ROUNDS = Number(process.env["BENCH_MEMORY_ROUNDS"] ?? 3)

const contenders = ["ours", "sdk"] as const
type Contender = (typeof contenders)[number]

// A pipeline's run, its module loaded when asked for: a memory round loads one of them.
const load = async (contender: Contender, lossless: boolean): Promise<(run: Workload.Run) => Promise<void>> => {
  if (contender === "ours") return (await import("./OursPipeline.ts")).run
  const { run } = await import("./SdkPipeline.ts")
  return (options) => run({ ...options, lossless })
}

// `--memory <contender>`: one memory round in this process, against a port nothing listens
// on; prints what it measured and exits without waiting for the exporters to give up.
declare const gc: () => void

interface Memory {
  readonly rss: number
  readonly heap: number
  readonly rssAtStart: number
  readonly heapAtStart: number
  readonly spoolBytes: number
}

if (process.argv[2] === "--memory") {
  const run = await load(process.argv[3] as Contender, false)
  const closed = net.createServer().listen(0, "127.0.0.1")
  await once(closed, "listening")
  const url = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`
  closed.close()
  gc()
  const atStart = process.memoryUsage()
  await run({
    url,
    events: MEMORY_EVENTS,
    measure: (stateDir) => {
      gc()
      const after = process.memoryUsage()
      const spool = stateDir === undefined ? undefined : path.join(stateDir, "spool")
      const measured: Memory = {
        rss: after.rss,
        heap: after.heapUsed,
        rssAtStart: atStart.rss,
        heapAtStart: atStart.heapUsed,
        spoolBytes:
          spool === undefined ? 0 : fs.readdirSync(spool).reduce((n, f) => n + fs.statSync(path.join(spool, f)).size, 0)
      }
      process.stdout.write(`${JSON.stringify(measured)}\n`)
      process.exit(0)
    }
  })
}

// The endpoint, forked; `arrived` asks it what came since it was last asked.
const startSink = async () => {
  const sink = fork(path.join(import.meta.dirname, "sink.ts"), [], { stdio: ["ignore", "ignore", "inherit", "ipc"] })
  const [url] = (await once(sink, "message")) as [string]
  const arrived = async (): Promise<Arrived> => {
    const answer = once(sink, "message")
    sink.send("arrived")
    return ((await answer) as [Arrived])[0]
  }
  return { url, arrived, stop: () => sink.disconnect() }
}

interface Measured {
  readonly ms: number
  readonly cpuMs: number
  readonly bytes: number
}

const throughput = async (): Promise<ReadonlyArray<Bench.Row>> => {
  const sink = await startSink()
  const runs = { ours: await load("ours", true), sdk: await load("sdk", true) }
  const timed = async (contender: Contender): Promise<Measured> => {
    const cpu = process.cpuUsage()
    const started = performance.now()
    await runs[contender]({ url: sink.url, events: N })
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    const arrived = await sink.arrived()
    if (arrived.records !== N || arrived.spans !== N) {
      throw new Error(`${contender}: ${arrived.records} records and ${arrived.spans} spans of ${N} arrived`)
    }
    return { ms, cpuMs: (used.user + used.system) / 1000, bytes: arrived.bytes }
  }
  for (const c of contenders) await timed(c)
  const samples = contenders.map((): Array<Measured> => [])
  for (let r = 0; r < ROUNDS; r++) for (const [i, c] of contenders.entries()) samples[i]!.push(await timed(c))
  sink.stop()
  const [our, peer] = samples.map((s) => ({
    ms: Bench.median(s.map((m) => m.ms)),
    cpuMs: Bench.median(s.map((m) => m.cpuMs)),
    bytes: Bench.median(s.map((m) => m.bytes))
  }))
  const value = (m: Measured) =>
    `${Math.round((N / m.ms) * 1000).toLocaleString("en")} events/s, ${(m.bytes / 2 ** 20 / (m.ms / 1000)).toFixed(1)} MB/s ` +
    `(${Math.round(m.bytes / N).toLocaleString("en")} B/event); ${((m.cpuMs * 1000) / N).toFixed(1)} µs CPU/event`
  const section = `export to a local endpoint: ${N.toLocaleString("en")} bd.call events, each in a span (metrics + logs + spans)`
  return [
    {
      section,
      subject: "gastown-otel Telemetry.layer (spool, host-wide totals)",
      value: value(our!),
      comparison: `${(peer!.ms / our!.ms).toFixed(2)}× the SDK's events/s at ${(our!.cpuMs / peer!.cpuMs).toFixed(2)}× its CPU`
    },
    { section, subject: sdkName, value: value(peer!) }
  ]
}

const sdkName = "OpenTelemetry JS SDK 2.12 / 0.223, batch processors, OTLP/HTTP protobuf exporters"

// One memory round of `contender` in a fresh process.
const memoryRound = async (contender: Contender): Promise<Memory> => {
  const child = spawn(
    process.execPath,
    ["--expose-gc", ...process.execArgv, import.meta.filename, "--memory", contender],
    {
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, "close")) as [number | null]
  if (code !== 0) throw new Error(`the memory round of ${contender} failed: ${stderr}`)
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Memory
}

// The two contenders of a round run side by side (on two cores, half the wall time): what
// one process holds does not depend on the other's.
const memory = async (): Promise<ReadonlyArray<Bench.Row>> => {
  const samples = contenders.map((): Array<Memory> => [])
  for (let r = 0; r < MEMORY_ROUNDS; r++) {
    const round = await Promise.all(contenders.map(memoryRound))
    round.forEach((m, i) => samples[i]!.push(m))
  }
  const [our, peer] = samples.map((s) => ({
    rss: Bench.median(s.map((m) => m.rss)),
    heap: Bench.median(s.map((m) => m.heap)),
    rssAtStart: Bench.median(s.map((m) => m.rssAtStart)),
    heapAtStart: Bench.median(s.map((m) => m.heapAtStart)),
    spoolBytes: Bench.median(s.map((m) => m.spoolBytes))
  }))
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`
  const grown = (bytes: number) => `${bytes < 0 ? "−" : "+"}${mb(Math.abs(bytes))} over the start`
  const value = (m: Memory) =>
    `RSS ${mb(m.rss)} (${grown(m.rss - m.rssAtStart)}), live heap ${mb(m.heap)} (${grown(m.heap - m.heapAtStart)})`
  const section = `memory after ${MEMORY_EVENTS.toLocaleString("en")} bd.call events in spans, backend down (a fresh process each)`
  return [
    {
      section,
      subject: "gastown-otel Telemetry.layer (spool, host-wide totals)",
      value: value(our!),
      allocations: `spool ${mb(our!.spoolBytes)} on disk (bounded at 16 MiB)`,
      comparison: `${(our!.rss / peer!.rss).toFixed(2)}× the SDK's RSS, ${(our!.heap / peer!.heap).toFixed(2)}× its live heap`
    },
    { section, subject: sdkName, value: value(peer!), allocations: "queues of 2,048 a signal, the rest dropped" }
  ]
}

export const rows = async (): Promise<ReadonlyArray<Bench.Row>> => [...(await throughput()), ...(await memory())]

await Bench.main(rows)
