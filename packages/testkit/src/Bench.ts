/**
 * What the benchmarks share: a row of the one table `npm run bench` prints, the machine it was
 * measured on, and how time and allocations are measured. A bench module exports its rows
 * through {@link main}: run alone it prints its own table; run by `scripts/bench.ts` (with
 * `--rows`) it prints them as JSON for the combined table.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import * as os from "node:os"
import * as v8 from "node:v8"

/**
 * One row of the table: what was measured, the figure, what it allocated, and how it compares
 * with a peer measured in the same run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly section: string
  readonly subject: string
  readonly value: string
  readonly allocations?: string | undefined
  readonly comparison?: string | undefined
}

/**
 * The machine, Node version, date and load average, one fact a line.
 *
 * @since 0.1.0
 * @category table
 */
export const machine = (): ReadonlyArray<string> => {
  const cpus = os.cpus()
  return [
    `machine: ${cpus[0]?.model ?? "unknown cpu"} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `node: ${process.version} (${process.platform}-${process.arch})`,
    `date: ${new Date().toISOString()}`,
    `load average (1, 5, 15 min): ${loadAverage()}`
  ]
}

/**
 * The load average now, e.g. `0.42 0.61 0.70`.
 *
 * @since 0.1.0
 * @category table
 */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")

const columns = ["section", "subject", "value", "allocations", "comparison"] as const

/**
 * The rows as an aligned text table (a Markdown table that reads well in a terminal too).
 *
 * @since 0.1.0
 * @category table
 */
export const table = (rows: ReadonlyArray<Row>): string => {
  const cells = rows.map((row) => columns.map((c) => row[c] ?? ""))
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (r: ReadonlyArray<string>) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n")
}

/**
 * The median of some numbers.
 *
 * @since 0.1.0
 * @category measuring
 */
export const median = (xs: ReadonlyArray<number>): number => {
  const sorted = xs.toSorted((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Median CPU time (user + system, every thread: GC included) per operation of each contender,
 * in µs. Rounds alternate between the contenders, so a change of load on a shared machine
 * weighs on all of them alike; each `round` performs `operations` operations. (Collecting the heap
 * between rounds was tried: the collector's background work then lands in the next round, and
 * the code it flushes has to warm up again, which costs far more than it evens out.)
 *
 * @since 0.1.0
 * @category measuring
 */
export const cpuMicros = (
  contenders: ReadonlyArray<{ readonly round: () => void }>,
  options: { readonly operations: number; readonly rounds: number; readonly warmup?: number | undefined }
): ReadonlyArray<number> => {
  for (let w = 0; w < (options.warmup ?? 3); w++) for (const c of contenders) c.round()
  const samples = contenders.map((): Array<number> => [])
  for (let r = 0; r < options.rounds; r++) {
    contenders.forEach((c, i) => {
      const start = process.cpuUsage()
      c.round()
      const used = process.cpuUsage(start)
      samples[i]!.push((used.user + used.system) / options.operations)
    })
  }
  return samples.map(median)
}

declare const gc: (() => void) | undefined

/**
 * Bytes allocated per operation: the heap's growth over `operations` operations with no
 * collection in between. Needs `--expose-gc` and a new space larger than what is measured
 * (see {@link allocationFlags}); returns `undefined` without them. Median of `rounds`.
 *
 * @since 0.1.0
 * @category measuring
 */
export const allocatedBytes = (
  round: () => void,
  options: { readonly operations: number; readonly rounds?: number | undefined }
): number | undefined => {
  if (typeof gc !== "function") return undefined
  round()
  const samples: Array<number> = []
  for (let r = 0; r < (options.rounds ?? 5); r++) {
    gc()
    const before = v8.getHeapStatistics()
    round()
    const after = v8.getHeapStatistics()
    // A collection inside the round would hide what it freed: such a round is not counted.
    if (after.used_heap_size >= before.used_heap_size) {
      samples.push((after.used_heap_size - before.used_heap_size) / options.operations)
    }
  }
  return samples.length === 0 ? undefined : median(samples)
}

/**
 * Node flags for {@link allocatedBytes}: `gc()` and a 256 MiB new space, so the rounds measured
 * run without a collection.
 *
 * @since 0.1.0
 * @category measuring
 */
export const allocationFlags: ReadonlyArray<string> = [
  "--expose-gc",
  "--min-semi-space-size=256",
  "--max-semi-space-size=256"
]

/**
 * Runs `script` with `args` in a fresh Node process with {@link allocationFlags} and parses the JSON
 * it prints last: how bench modules measure allocations away from their timing process.
 *
 * @since 0.1.0
 * @category measuring
 */
export const inAllocationProcess = <A>(script: string, args: ReadonlyArray<string>): A => {
  const ran = spawnSync(process.execPath, [...allocationFlags, script, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024
  })
  if (ran.status !== 0) throw new Error(`${script} ${args.join(" ")} failed: ${ran.stderr}`)
  return JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as A
}

/**
 * Bytes for people: `312 B`, `4.1 KB`, `2.3 MB`.
 *
 * @since 0.1.0
 * @category table
 */
export const bytes = (n: number | undefined): string =>
  n === undefined
    ? "n/a"
    : n < 1024
      ? `${n.toFixed(0)} B`
      : n < 1024 * 1024
        ? `${(n / 1024).toFixed(1)} KB`
        : `${(n / 1024 / 1024).toFixed(1)} MB`

/**
 * The entry point of a bench module: `--rows` prints the rows as JSON (for `scripts/bench.ts`),
 * anything else prints the machine and a table.
 *
 * @since 0.1.0
 * @category running
 */
export const main = async (rows: () => Promise<ReadonlyArray<Row>>): Promise<void> => {
  const measured = await rows()
  if (process.argv.includes("--rows")) {
    process.stdout.write(`${JSON.stringify(measured)}\n`)
    return
  }
  process.stdout.write(`${[...machine(), "", table(measured)].join("\n")}\n`)
}
