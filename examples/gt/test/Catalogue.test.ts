// Every catalogue event is emitted by the example CLIs, and by the one the catalogue names:
// a day in the town, run with the real gt and bd, and what reached the backend.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

describe("the catalogue", () => {
  it.live(
    "every event is emitted by gt or bd, as the catalogue's emitter says",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* Cli.sandbox
        const server = yield* CaptureServer.start()
        const env = {
          ...sandbox.env,
          ...Cli.telemetryAt("gt", server.url),
          ...Cli.telemetryAt("bd", server.url),
          ...Cli.patientFlush,
          GT_RIG: "mol",
          GT_ROLE: "mol/witness",
          BD_ACTOR: "mol/witness"
        }
        const gt = (...args: Array<string>) => Cli.run("gt", args, env)
        const bd = (...args: Array<string>) => Cli.run("bd", args, env)

        // Work on one store, in order: each step needs the one before.
        const story = [
          gt("formula", "run", "review"),
          gt("sling", "bd-2", "mol/polecats/jana"),
          gt("convoy", "create", "bd-2"),
          gt("mail", "send", "mol/polecats/jana", "--subject", "review bd-2"),
          gt("mail", "read", "msg-1"),
          gt("done", "--exit", "COMPLETED", "--bead", "bd-2"),
          bd("compact", "--ai"),
          bd("stats")
        ]
        // Commands that leave the store alone.
        const standalone = [
          gt("nudge", "mol/polecats/jana"),
          gt("prime", "--hook"),
          gt("polecat", "spawn", "jana"),
          gt("polecat", "remove", "jana"),
          gt("session", "start"),
          gt("session", "stop", "mol-witness-1"),
          gt("agent", "state", "mol/polecats/jana", "working"),
          gt("prompt", "mol-witness-1", "review bd-2"),
          gt("pane", "read", "mol-witness-1", "--lines", "5"),
          gt("daemon", "restart", "witness")
        ]
        // A store another process holds: bd retries, then gives up with a storage error.
        const lockedDb = path.join(sandbox.dir, "locked.json")
        fs.writeFileSync(`${lockedDb}.lock`, String(process.pid))
        const locked = Cli.run("bd", ["list"], { ...env, BD_DB: lockedDb, BD_LOCK_TIMEOUT: "20 millis" })

        const [storyRuns, otherRuns] = yield* Effect.all(
          [Effect.all(story), Effect.all([...standalone, locked], { concurrency: 3 })],
          { concurrency: 2 }
        )
        for (const ran of [...storyRuns, ...otherRuns.slice(0, -1)]) assert.strictEqual(ran.code, 0, ran.stderr)
        assert.strictEqual(otherRuns.at(-1)?.code, 1, "the locked store")

        const emitted = new Map<string, Set<unknown>>()
        for (const log of Received.logs(server)) {
          emitted.set(log.body ?? "", (emitted.get(log.body ?? "") ?? new Set()).add(log.service))
        }
        // The library's own events (emitter "telemetry") are not the CLIs' to emit.
        const services: Partial<Record<string, string>> = { gt: Resource.serviceNames.gt, bd: Resource.serviceNames.bd }
        const cliEvents = Catalogue.entries.filter((e) => services[e.spec.emitter] !== undefined)
        assert.deepStrictEqual(
          cliEvents.map((e) => [e.spec.name, [...(emitted.get(e.spec.name) ?? [])]]),
          cliEvents.map((e) => [e.spec.name, [services[e.spec.emitter]]])
        )
      }),
    // About twenty real processes, a few at a time: patient on a busy machine.
    60_000
  )
})
