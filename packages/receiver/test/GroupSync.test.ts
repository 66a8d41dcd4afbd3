// Group commit's promise: a request is answered only after a sync that started after its
// commit has finished; commits made while a sync runs share the next one; a failed sync
// fails its waiters and everything after it.
import { assert, describe, it } from "@effect/vitest"
import * as GroupSync from "../src/internal/GroupSync.ts"

// A sync whose completions the test decides, recording when each started.
const controlled = () => {
  const started: Array<{ readonly finish: () => void; readonly fail: (error: Error) => void }> = []
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ finish: resolve, fail: reject })
    })
  return { started, sync }
}

const settled = async <A>(promise: Promise<A>) => {
  let state: "pending" | "resolved" | "rejected" = "pending"
  promise.then(
    () => (state = "resolved"),
    () => (state = "rejected")
  )
  // Every pending continuation runs before the next macrotask.
  await new Promise((resolve) => setImmediate(resolve))
  return () => state
}

describe("GroupSync", () => {
  it("a commit waits for a sync that started after it; commits made meanwhile share the next sync", async () => {
    const { started, sync } = controlled()
    const group = GroupSync.make(sync)
    const first = group.durable()
    assert.strictEqual(started.length, 1, "the first commit starts a sync")
    // Three commits while that sync runs: it may have started before their data was written.
    const waiting = [group.durable(), group.durable(), group.durable()]
    assert.strictEqual(started.length, 1, "no second sync while one runs")
    const states = await Promise.all(waiting.map(settled))
    started[0]!.finish()
    await first
    assert.deepStrictEqual(
      states.map((s) => s()),
      ["pending", "pending", "pending"],
      "not answered by the sync that started before them"
    )
    await settled(Promise.resolve())
    assert.strictEqual(started.length, 2, "one more sync for all three")
    started[1]!.finish()
    await Promise.all(waiting)
    await group.idle()
  })

  it("each commit made while no sync runs starts one at once", async () => {
    const { started, sync } = controlled()
    const group = GroupSync.make(sync)
    const a = group.durable()
    started[0]!.finish()
    await a
    const b = group.durable()
    assert.strictEqual(started.length, 2)
    started[1]!.finish()
    await b
  })

  it("a failed sync fails its waiters and every later commit", async () => {
    const { started, sync } = controlled()
    const group = GroupSync.make(sync)
    const first = group.durable()
    const queued = group.durable()
    started[0]!.fail(new Error("EIO"))
    const error = await first.then(
      () => undefined,
      (e: Error) => e
    )
    assert.include(error?.message, "EIO")
    assert.include(error?.message, "restart the receiver")
    const queuedError = await queued.then(
      () => undefined,
      (e: Error) => e
    )
    assert.strictEqual(queuedError, error, "the queued commit fails without a sync that could prove nothing")
    assert.strictEqual(started.length, 1)
    const later = await group.durable().then(
      () => undefined,
      (e: Error) => e
    )
    assert.strictEqual(later, error)
    await group.idle()
  })

  it("idle waits for the running and the queued sync", async () => {
    const { started, sync } = controlled()
    const group = GroupSync.make(sync)
    void group.durable()
    void group.durable()
    const idle = await settled(group.idle())
    assert.strictEqual(idle(), "pending")
    started[0]!.finish()
    await settled(Promise.resolve())
    assert.strictEqual(idle(), "pending", "the queued sync started")
    started[1]!.finish()
    await settled(Promise.resolve())
    assert.strictEqual(idle(), "resolved")
  })
})
