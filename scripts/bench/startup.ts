// Start-up of the example CLIs, as an agent pays it on every call: each command a whole
// process, its wall time from spawn to exit, against `node -e 0` in the same run. Rounds
// interleave the commands (A B C D A B C D …) so a machine that speeds up or slows down
// affects them alike; medians are reported with the load average. CPU time (less sensitive
// to a busy machine than wall time) and peak RSS come from a separate pass, reported by each
// process itself at exit (a preloaded hook reads process.resourceUsage()), so the timed runs
// carry no hook.
import { CaptureServer, Endpoints, Process } from "@gastown-otel/testkit"
import * as Bench from "@gastown-otel/testkit/Bench"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 15)
const root = path.resolve(import.meta.dirname, "../..")
const bins = {
  bd: path.join(root, "examples/bd/bin/bd.js"),
  gt: path.join(root, "examples/gt/bin/gt.js")
}

const { median } = Bench

interface Case {
  readonly name: string
  readonly args: ReadonlyArray<string>
  readonly env: Record<string, string>
}

const program = Effect.gen(function* () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gastown-otel-startup-"))
  yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
  const server = yield* CaptureServer.start()
  const base = {
    PATH: process.env["PATH"] ?? "",
    HOME: dir,
    BD_DB: path.join(dir, "beads.json"),
    GT_OTEL_STATE_DIR: path.join(dir, "state")
  }
  const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
    Process.run(process.execPath, args, { env, cwd: dir, timeoutMs: 60_000 })

  // A store with something to list.
  for (const title of ["Fix the flaky test", "Write the release notes", "Review the bundle"]) {
    const created = yield* run([bins.bd, "create", title], base)
    if (created.code !== 0) return yield* Effect.die(new Error(`bd create: ${created.stderr}`))
  }

  const cases: ReadonlyArray<Case> = [
    { name: "node -e 0", args: ["-e", "0"], env: base },
    { name: "bd list, telemetry off", args: [bins.bd, "list"], env: base },
    {
      name: "bd list, telemetry on (local endpoint)",
      args: [bins.bd, "list"],
      env: { ...base, ...Endpoints.telemetryAt("bd", server.url) }
    },
    { name: "gt status, telemetry off", args: [bins.gt, "status"], env: base }
  ]

  // Warm-up: Node's compile cache and the OS's file cache, as on any machine used all day.
  for (const c of cases) for (let i = 0; i < 2; i++) yield* run(c.args, c.env)

  const times = cases.map(() => [] as Array<number>)
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of cases.entries()) {
      const ran = yield* run(c.args, c.env)
      if (ran.code !== 0) return yield* Effect.die(new Error(`${c.name} exited ${ran.code}: ${ran.stderr}`))
      times[i]!.push(ran.ms)
    }
  }

  // The resource pass: every process (gt's bd children too, through NODE_OPTIONS) reports
  // its CPU time and peak RSS at exit; the process started here marks itself as the top one.
  const hook = path.join(dir, "resources.cjs")
  const report = path.join(dir, "resources.jsonl")
  fs.writeFileSync(
    hook,
    `const top = process.env.GASTOWN_BENCH_CHILD === undefined
process.env.GASTOWN_BENCH_CHILD = "1"
process.on("exit", () => {
  const used = process.resourceUsage()
  require("node:fs").appendFileSync(${JSON.stringify(report)}, JSON.stringify({ top, rssKiB: used.maxRSS, cpuUs: used.userCPUTime + used.systemCPUTime }) + "\\n")
})
`
  )
  const resources: Array<{ readonly cpu: number; readonly rss: number }> = []
  for (const c of cases) {
    const cpu: Array<number> = []
    const rss: Array<number> = []
    for (let r = 0; r < 5; r++) {
      fs.rmSync(report, { force: true })
      yield* run(c.args, { ...c.env, NODE_OPTIONS: `--require ${hook}` })
      const processes = fs
        .readFileSync(report, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { top: boolean; rssKiB: number; cpuUs: number })
      cpu.push(processes.reduce((sum, p) => sum + p.cpuUs, 0) / 1000)
      rss.push(processes.find((p) => p.top)!.rssKiB / 1024)
    }
    resources.push({ cpu: median(cpu), rss: median(rss) })
  }

  const medians = times.map(median)
  const [node, off] = medians as [number, number]
  const section = "CLI start-up"
  return cases.map((c, i): Bench.Row => ({
    section,
    subject: c.name,
    value: `${medians[i]!.toFixed(1)} ms wall, ${resources[i]!.cpu.toFixed(1)} ms CPU`,
    allocations: `peak RSS ${resources[i]!.rss.toFixed(1)} MiB`,
    comparison:
      i === 0
        ? "the peer"
        : `${(medians[i]! / node).toFixed(2)}× node -e 0 (CPU ${(resources[i]!.cpu / resources[0]!.cpu).toFixed(2)}×)` +
          (i === 3
            ? `, ${(medians[i]! / off).toFixed(2)}× bd list`
            : i === 2
              ? `, +${(medians[i]! - off).toFixed(1)} ms over off`
              : "")
  }))
})

await Bench.main(() => Effect.runPromise(Effect.scoped(program)))
