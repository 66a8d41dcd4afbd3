// `gt flush` sends what earlier commands spooled, once, and says what it did: how much it
// sent, what is still spooled and why (exit 1 then), or that telemetry is off (exit 0).
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

// A backend that was up when the test began and is down now: its port is known.
const downBackend = Effect.gen(function* () {
  const server = yield* CaptureServer.start()
  yield* CaptureServer.stop(server)
  return { url: server.url, port: Number(new URL(server.url).port) }
})

// Fake credentials, assembled at run time so that secret scanners do not flag this file.
const token = ["flush", "token", "4e1d9a"].join("-")
const password = ["flush", "pw", "77b0c2"].join("-")

const withCredentials = (base: string) => {
  const urls = Cli.telemetryAt("gt", base)
  const host = new URL(base).host
  return {
    GT_OTEL_METRICS_URL: urls.GT_OTEL_METRICS_URL!.replace(host, `gt:${password}@${host}`),
    GT_OTEL_LOGS_URL: urls.GT_OTEL_LOGS_URL!.replace(host, `gt:${password}@${host}`),
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`
  }
}

describe("gt flush", () => {
  it.live(
    "sends the spool left by a command that met a down backend, exactly once, and says how much",
    () =>
      Effect.gen(function* () {
        const { env } = yield* Cli.sandbox
        const down = yield* downBackend
        const variables = { ...env, ...Cli.telemetryAt("gt", down.url), GT_RIG: "mol" }
        const nudged = yield* Cli.run("gt", ["nudge", "mol/witness"], variables)
        assert.strictEqual(nudged.code, 0, nudged.stderr)

        const server = yield* CaptureServer.start(down.port)
        // With no time to send at exit, only an explicit flush sends anything.
        const noTime = { ...variables, GT_OTEL_FLUSH_TIMEOUT_MS: "0" }
        yield* Cli.run("gt", ["nudge", "mol/mayor"], noTime)
        assert.deepStrictEqual(Received.logs(server), [], "nothing sent at exit without time to send")
        const flushed = yield* Cli.run("gt", ["flush"], noTime)
        assert.strictEqual(flushed.code, 0, flushed.stderr)
        const records = Received.logs(server).length + Received.points(server).length
        assert.strictEqual(
          flushed.stdout,
          `sent ${server.requests.length} requests (${records} records), nothing left to send\n`
        )
        assert.strictEqual(server.requests.length, 4, "two commands, metrics and logs each")

        const again = yield* Cli.run("gt", ["flush"], variables)
        assert.strictEqual(again.stdout, "sent 0 requests (0 records), nothing left to send\n")
        assert.strictEqual(again.code, 0)
        const nudges = Received.logs(server).filter((l) => l.body === "nudge")
        assert.deepStrictEqual(nudges.map((l) => l.attributes["target"]).toSorted(), ["mol/mayor", "mol/witness"])
        assert.strictEqual(nudges[0]!.attributes["gt.rig"], "mol")
      }),
    30_000
  )

  it.live(
    "with the backend down: what is still spooled and why, exit 1",
    () =>
      Effect.gen(function* () {
        const { env } = yield* Cli.sandbox
        const down = yield* downBackend
        const urls = Cli.telemetryAt("gt", down.url)
        const variables = { ...env, ...urls }
        yield* Cli.run("gt", ["nudge", "mol/witness"], variables)
        const flushed = yield* Cli.run("gt", ["flush"], variables)
        assert.strictEqual(flushed.code, 1)
        assert.strictEqual(flushed.stdout, "")
        assert.include(flushed.stderr, "sent 0 requests (0 records), 2 still spooled: ")
        for (const url of Object.values(urls)) assert.include(flushed.stderr, `backend at ${url} is unreachable`)
      }),
    30_000
  )

  it.live(
    "spooled with credentials: a flush without them leaves them and says so (exit 1); with them, sent",
    () =>
      Effect.gen(function* () {
        const { env } = yield* Cli.sandbox
        const down = yield* downBackend
        yield* Cli.run("gt", ["nudge", "mol/witness"], { ...env, ...withCredentials(down.url) })

        const server = yield* CaptureServer.start(down.port)
        const bare = yield* Cli.run("gt", ["flush"], { ...env, ...Cli.telemetryAt("gt", server.url) })
        assert.strictEqual(bare.code, 1)
        for (const url of Object.values(Cli.telemetryAt("gt", server.url))) {
          assert.include(
            bare.stderr,
            `needs credentials this process lacks for ${url}: header authorization, URL userinfo`
          )
        }
        assert.deepStrictEqual(server.requests, [], "nothing sent without the credentials")

        const configured = yield* Cli.run("gt", ["flush"], { ...env, ...withCredentials(server.url) })
        assert.strictEqual(configured.code, 0, configured.stderr)
        assert.match(configured.stdout, /^sent 2 requests \(\d+ records\), nothing left to send\n$/)
        assert.deepStrictEqual(
          server.requests.map((r) => r.headers["authorization"]),
          [`Bearer ${token}`, `Bearer ${token}`]
        )
        assert.isDefined(Received.logs(server).find((l) => l.body === "nudge"))
      }),
    30_000
  )

  it.live.skipIf(process.getuid?.() !== 0)(
    "with the state directory of another user: a command runs on, gt flush has no spool to send from (exit 1)",
    () =>
      Effect.gen(function* () {
        const { dir, env } = yield* Cli.sandbox
        const server = yield* CaptureServer.start()
        const theirs = path.join(dir, "theirs")
        fs.mkdirSync(theirs, { mode: 0o700 })
        // nobody
        fs.chownSync(theirs, 65534, 65534)
        const variables = {
          ...env,
          ...Cli.telemetryAt("gt", server.url),
          ...Cli.patientFlush,
          GT_OTEL_STATE_DIR: theirs
        }
        const refusal = `gastown-otel: state directory refused: ${theirs} belongs to another user (uid 65534); telemetry goes on without a spool, counters per process\n`
        const nudged = yield* Cli.run("gt", ["nudge", "mol/witness"], variables)
        assert.strictEqual(nudged.code, 0)
        assert.strictEqual(nudged.stderr, refusal)
        assert.isDefined(
          Received.logs(server).find((l) => l.body === "nudge"),
          "sent directly"
        )
        const flushed = yield* Cli.run("gt", ["flush"], variables)
        assert.strictEqual(flushed.code, 1)
        assert.include(flushed.stderr, refusal)
        assert.include(
          flushed.stderr,
          `no spool to send from: the state directory ${theirs} cannot be used (GT_OTEL_STATE_DIR chooses another)`
        )
        assert.deepStrictEqual(fs.readdirSync(theirs), [])
      }),
    30_000
  )

  it.live(
    "with telemetry off: says so, exit 0",
    () =>
      Effect.gen(function* () {
        const { env } = yield* Cli.sandbox
        const flushed = yield* Cli.run("gt", ["flush"], env)
        assert.strictEqual(flushed.code, 0, flushed.stderr)
        assert.strictEqual(
          flushed.stdout,
          "telemetry is off (no GT_OTEL_METRICS_URL or GT_OTEL_LOGS_URL): nothing to send\n"
        )
        assert.strictEqual(flushed.stderr, "")
      }),
    30_000
  )
})
