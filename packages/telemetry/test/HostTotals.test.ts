// The host-wide counter state on its own: several "processes" (state instances on one
// file) take turns while the wall clock jumps back and forth.
import { TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as HostTotals from "../src/internal/HostTotals.ts"
import type { NumberPoint } from "../src/OtlpData.ts"
import * as Recorder from "../src/internal/Recorder.ts"
import { increase, stored } from "@gastown-otel/testkit/VictoriaMetricsCounter"

const call: Catalogue.Event = { _tag: "bd.call", subcommand: "list", args: "", duration_ms: 3, status: "ok" }
const counter = Catalogue.metrics.find((m) => m.event === "bd.call" && m.kind === "counter")!.name

// One short-lived process: records one call and flushes through the shared state.
const oneProcess = (file: string, clock: bigint, rig = "mol") =>
  Effect.gen(function* () {
    const recorder = Recorder.make({})
    recorder.record(call, { "gt.rig": rig }, undefined, Number(clock / 1_000_000n), false)
    const metrics = yield* HostTotals.make(file, 1_000, clock, () => clock).points(recorder.drain().series)
    const point = metrics.find((m) => m.name === counter)!.points[0] as NumberPoint
    return { timeUnixNano: point.timeUnixNano, value: point.value }
  })

describe("host-wide counter state", () => {
  it.effect("a clock that jumps back and forth: timestamps still increase, the counter grows by one a process", () =>
    Effect.gen(function* () {
      const file = path.join(yield* TempDir.make(), "counters.json")
      const second = 1_000_000_000n
      const base = 1_764_000_000n * second
      // Forward, back an hour, forward a day, back a minute...
      const clocks = [0n, 10n, -3_600n, 86_400n, 86_340n, 86_341n, -10n, 5n].map((s) => base + s * second)
      const samples = []
      for (const clock of clocks) samples.push(yield* oneProcess(file, clock))
      for (let i = 1; i < samples.length; i++) {
        assert.isTrue(samples[i]!.timeUnixNano > samples[i - 1]!.timeUnixNano, `flush ${i} after flush ${i - 1}`)
      }
      assert.deepStrictEqual(
        stored(samples).map((s) => s.value),
        clocks.map((_, i) => i + 1)
      )
      assert.strictEqual(increase(samples), clocks.length)
    })
  )

  it.effect("a series idle for 30 days expires from the state; seen again, it starts over", () =>
    Effect.gen(function* () {
      const file = path.join(yield* TempDir.make(), "counters.json")
      const day = 86_400n * 1_000_000_000n
      const t0 = 1_764_000_000n * 1_000_000_000n
      assert.strictEqual((yield* oneProcess(file, t0, "old")).value, 1)
      assert.strictEqual((yield* oneProcess(file, t0 + day, "old")).value, 2)
      yield* oneProcess(file, t0 + 32n * day, "new")
      const state = JSON.parse(fs.readFileSync(file, "utf8")) as { series: Record<string, unknown> }
      assert.isFalse(
        Object.keys(state.series).some((k) => k.includes("old")),
        "expired"
      )
      assert.strictEqual((yield* oneProcess(file, t0 + 33n * day, "old")).value, 1, "a reset, as backends read it")
    })
  )

  it.live("a flush that cannot take the lock in time parks its deltas; the next flush of anyone adds them", () =>
    Effect.gen(function* () {
      const dir = yield* TempDir.make()
      const file = path.join(dir, "counters.json")
      yield* oneProcess(file, 1n)
      // A live process (this one) holds the lock.
      fs.writeFileSync(`${file}.lock`, `${process.pid} held`)
      const recorder = Recorder.make({})
      recorder.record(call, { "gt.rig": "mol" }, undefined, 0, false)
      recorder.record(call, { "gt.rig": "mol" }, undefined, 0, false)
      const blocked = yield* HostTotals.make(file, 20, 2n, () => 2n).points(recorder.drain().series)
      assert.deepStrictEqual(blocked, [], "no points without the lock")
      assert.strictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("parked-")).length, 1)
      fs.rmSync(`${file}.lock`)
      const after = yield* oneProcess(file, 3n)
      assert.strictEqual(after.value, 4, "1 before, 2 parked, 1 now: one point, nothing lost")
      assert.deepStrictEqual(
        fs.readdirSync(dir).filter((f) => f.startsWith("parked-")),
        []
      )
    })
  )
})
