// gt and bd as separate processes report as one: gt's bd.call events and bd's own storage
// metrics arrive under the same gt.* labels, and bd's records join gt's trace.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Effect } from "effect"

const counterOf = (event: string) => Catalogue.metrics.find((m) => m.event === event && m.kind === "counter")!.name
const severity = { INFO: 9, ERROR: 17 }

const labelEnv = { GT_RIG: "mol", GT_ROLE: "mol/polecats/jana", GT_POLECAT: "jana" }
const labels = { "gt.rig": "mol", "gt.role": "mol/polecats/jana", "gt.agent": "jana" }

// Seeds the store without telemetry, so the server sees only what the test runs.
const seeded = Effect.gen(function* () {
  const sandbox = yield* Cli.sandbox
  const created = yield* Cli.run("bd", ["create", "Fix the login bug"], sandbox.env)
  assert.strictEqual(created.code, 0, created.stderr)
  const server = yield* CaptureServer.start()
  const env = { ...sandbox.env, ...labelEnv, ...Cli.telemetryAt("gt", server.url), ...Cli.patientFlush }
  return { server, env }
})

describe("gt → bd correlation", () => {
  it.live(
    "gt status: gt's bd calls and bd's storage operations share labels and the trace",
    () =>
      Effect.gen(function* () {
        const { server, env } = yield* seeded
        const ran = yield* Cli.run("gt", ["status"], env)
        assert.strictEqual(ran.code, 0, ran.stderr)
        assert.include(ran.stdout, "total")

        const logs = Received.logs(server)
        const points = Received.points(server)

        // gt: one bd.call record and one counter point per call, as service gastown.
        const calls = logs.filter((l) => l.body === "bd.call")
        assert.deepStrictEqual(calls.map((l) => l.attributes.subcommand).toSorted(), ["list", "stats"])
        for (const call of calls) {
          assert.strictEqual(call.service, Resource.serviceNames.gt)
          assert.strictEqual(call.severityNumber, severity.INFO)
          assert.deepInclude(call.attributes, { ...labels, status: "ok", args: "--json" })
          assert.isAbove(call.attributes.duration_ms as number, 0)
        }
        const callPoints = points.filter((p) => p.metric === counterOf("bd.call"))
        assert.deepStrictEqual(
          callPoints.map((p) => [p.service, p.attributes.subcommand, p.attributes.status, p.value]).toSorted(),
          [
            [Resource.serviceNames.gt, "list", "ok", 1],
            [Resource.serviceNames.gt, "stats", "ok", 1]
          ]
        )
        for (const p of callPoints) assert.deepInclude(p.attributes, labels)

        // bd: its storage operations, as service bd, under the labels gt handed it.
        const storage = points.filter((p) => p.metric === counterOf("bd.storage.operation"))
        assert.isNotEmpty(storage)
        for (const p of storage) {
          assert.strictEqual(p.service, Resource.serviceNames.bd)
          assert.deepInclude(p.attributes, labels)
        }

        // One trace: every record of both processes carries gt's trace id.
        const traceId = calls[0]!.traceId
        assert.match(traceId ?? "", /^[0-9a-f]{32}$/)
        const bdLogs = logs.filter((l) => l.service === Resource.serviceNames.bd)
        assert.isNotEmpty(bdLogs)
        assert.deepStrictEqual([...new Set(logs.map((l) => l.traceId))], [traceId])
      }),
    20_000
  )

  it.live(
    "a failing bd call: status=error at ERROR severity, in bd.call and in the command's event",
    () =>
      Effect.gen(function* () {
        const { server, env } = yield* seeded
        const ran = yield* Cli.run("gt", ["sling", "bd-99", "mol/polecats/jana"], env)
        assert.strictEqual(ran.code, 1)
        assert.include(ran.stderr, "bd show: ")

        const logs = Received.logs(server)
        const call = logs.find((l) => l.body === "bd.call")
        assert.deepInclude(call?.attributes, { subcommand: "show", args: "bd-99 --json", status: "error" })
        assert.include(call?.attributes.error as string, "bd-99")
        assert.strictEqual(call?.severityNumber, severity.ERROR)

        const sling = logs.find((l) => l.body === "sling")
        assert.deepInclude(sling?.attributes, { bead: "bd-99", target: "mol/polecats/jana", status: "error" })
        assert.strictEqual(sling?.severityNumber, severity.ERROR)

        const points = Received.points(server).filter((p) => p.metric === counterOf("bd.call"))
        assert.deepStrictEqual(
          points.map((p) => [p.attributes.subcommand, p.attributes.status, p.value]),
          [["show", "error", 1]]
        )
      }),
    20_000
  )
})
