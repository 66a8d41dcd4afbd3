// `npm run bench`: one table of every bench module's rows, under the machine, Node version,
// date and load average they were measured with. Each module runs in a process of its own
// (a fresh heap and JIT for each) and prints its rows as JSON with `--rows`
// (`@gastown-otel/testkit/Bench`). A bench that adds rows adds its module here.
import * as Bench from "@gastown-otel/testkit/Bench"
import { spawnSync } from "node:child_process"
import * as path from "node:path"

const modules = [
  "packages/telemetry/bench/emit.ts",
  "packages/telemetry/bench/encode.ts",
  "packages/telemetry/bench/export.ts",
  "scripts/bench/startup.ts",
  "packages/receiver/bench/receiver.ts"
]

const root = path.resolve(import.meta.dirname, "..")
const header = Bench.machine()
const rows: Array<Bench.Row> = []
for (const module of modules) {
  process.stderr.write(`bench: ${module}\n`)
  const ran = spawnSync(process.execPath, [...process.execArgv, path.join(root, module), "--rows"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024
  })
  if (ran.status !== 0) {
    process.stderr.write(`bench: ${module} failed (exit ${ran.status})\n`)
    process.exit(1)
  }
  rows.push(...(JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as ReadonlyArray<Bench.Row>))
}
process.stdout.write(
  `${[...header, `load average at the end: ${Bench.loadAverage()}`, "", Bench.table(rows), ""].join("\n")}\n` +
    "Times are CPU time (user + system, GC included), medians of rounds alternating between the contenders.\n"
)
