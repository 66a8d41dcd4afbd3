// The example program, run as users run it (its bin, `npx effect-app`), against a local OTLP
// endpoint: its events arrive under its labels.
import { CaptureServer, Endpoints, Process, Received, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("../bin/effect-app.js", import.meta.url))
const bdCalls = Received.metricName("bd.call", "counter")

describe("effect-app", () => {
  it.live("its events arrive with the labels of the region they were emitted in", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer.start()
      // Its own state directory: counter totals shared with earlier runs would not start at 1.
      const stateDir = yield* TempDir.make("effect-app-test-")
      const ran = yield* Process.node(main, [], {
        env: {
          PATH: process.env["PATH"] ?? "",
          GT_OTEL_STATE_DIR: stateDir,
          ...Endpoints.patientFlush,
          ...Endpoints.telemetryAt("gt", server.url)
        }
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.strictEqual(ran.stdout, "slung bd-1 to mol/polecats/jana\n")

      const logs = Received.logs(server)
      assert.deepStrictEqual(
        logs.map((record) => record.body),
        ["bd.call", "bd.call", "sling"]
      )
      for (const record of logs) {
        assert.deepInclude(record.attributes, { "gt.rig": "mol", "gt.agent": "jana", status: "ok" })
      }
      // One trace: every record was emitted inside the program's one span.
      assert.strictEqual(new Set(logs.map((record) => record.traceId)).size, 1)

      const points = Received.points(server).filter((p) => p.metric === bdCalls)
      assert.deepStrictEqual(points.map((p) => [p.attributes["subcommand"], p.value]).toSorted(), [
        ["show", 1],
        ["update", 1]
      ])
    })
  )
})
