// Every catalogue event is emitted by the example CLIs, and by the one the catalogue names:
// a day in the town, run with the real gt and bd, and what reached the backend.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"

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
        const day = yield* Cli.day(env, sandbox.dir)
        for (const ran of [...day.story, ...day.standalone]) assert.strictEqual(ran.code, 0, ran.stderr)
        assert.strictEqual(day.locked.code, 1, "the locked store")

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
