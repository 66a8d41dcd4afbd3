// Nothing under the state directory holds a credential, and none of it is open to other
// users. Real processes under umask 022, the backend down, secrets planted everywhere
// telemetry takes credentials from (the generic and per-signal header variables, URL
// userinfo): every file is searched byte for byte, names included, and so are the files
// that live only for a moment (temporary files, locks, claims), copied as they vanish. A
// later process brings its own credentials; one without them leaves the spool alone.
import { CaptureServer, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { attributesOf, decodeLogs } from "@gastown-otel/testkit/OtlpDecode"
import { logsPath, metricsPath, patient, run, type RunOptions, spanRuns, tracesPath } from "./support/Processes.ts"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import * as Spool from "../src/internal/Spool.ts"

const auditProgram = fileURLToPath(new URL("./programs/audit-state.ts", import.meta.url))

// Fresh per run, so that nothing else on disk holds them by chance.
const fresh = (label: string) => `${label}${randomBytes(9).toString("hex")}`
const secrets = {
  apiKey: fresh("apikey"),
  bearer: fresh("bearer"),
  metricsKey: fresh("metricskey"),
  tracesKey: fresh("traceskey"),
  user: fresh("user"),
  // Characters that URL userinfo must percent-encode.
  password: `p@ss:${fresh("word")}/`
}

const withUserinfo = (base: string, urlPath: string, password: string) =>
  `http://${encodeURIComponent(secrets.user)}:${encodeURIComponent(password)}@${new URL(base).host}${urlPath}`

const variables = TelemetryConfig.urlVariables("gt")

/** gt's telemetry (spans too) at `base` with every kind of credential, the URL's password `password`. */
const withCredentials = (base: string, password = secrets.password) => ({
  [variables.metrics]: withUserinfo(base, metricsPath, password),
  [variables.logs]: withUserinfo(base, logsPath, password),
  [variables.traces]: withUserinfo(base, tracesPath, password),
  OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${secrets.apiKey}`,
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: `x-metrics-key=${secrets.metricsKey}`,
  OTEL_EXPORTER_OTLP_LOGS_HEADERS: `Authorization=Bearer%20${secrets.bearer}`,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-traces-key=${secrets.tracesKey}`
})

/** The same endpoints, no credential at all. */
const withoutCredentials = (base: string) => ({
  [variables.metrics]: base + metricsPath,
  [variables.logs]: base + logsPath,
  [variables.traces]: base + tracesPath
})

// Basic auth as RFC 7617 builds it from the decoded user and password.
const basic = (password: string) => `Basic ${Buffer.from(`${secrets.user}:${password}`).toString("base64")}`

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

// Every form a secret could take on disk: as configured, percent-encoded, as a header value,
// and hashes of it or of a URL carrying it (which file names and keys were once made from).
const needles = (base: string) => {
  const urls = Object.values(withCredentials(base)).filter((v) => v.startsWith("http"))
  const values = [
    ...Object.values(secrets),
    encodeURIComponent(secrets.password),
    `Bearer ${secrets.bearer}`,
    basic(secrets.password).slice("Basic ".length),
    ...[...Object.values(secrets), ...urls].map((v) => sha256(v).slice(0, 12))
  ]
  return values.map((v) => Buffer.from(v))
}

const walk = (dir: string): ReadonlyArray<{ readonly file: string; readonly dir: boolean }> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    return entry.isDirectory() ? [{ file, dir: true }, ...walk(file)] : [{ file, dir: false }]
  })

interface Audited {
  readonly file: string
  readonly copy: string
  readonly mode: number
}

const audited = (auditDir: string): ReadonlyArray<Audited> => {
  const index = path.join(auditDir, "index.jsonl")
  if (!fs.existsSync(index)) return []
  return fs
    .readFileSync(index, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Audited)
}

/** Whatever holds one of `needles`: a file's name or bytes, now or as it vanished. */
const leaks = (stateDir: string, auditDir: string, found: ReadonlyArray<Buffer>) => {
  const files = [
    ...walk(stateDir)
      .filter((e) => !e.dir)
      .map((e) => ({ name: e.file, bytes: fs.readFileSync(e.file) })),
    ...audited(auditDir).map((a) => ({ name: a.file, bytes: fs.readFileSync(a.copy) }))
  ]
  return files.flatMap(({ name, bytes }) =>
    found
      .filter((needle) => name.includes(needle.toString()) || bytes.includes(needle))
      .map((needle) => `${path.relative(stateDir, name)} holds ${needle.toString()}`)
  )
}

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8)

/** Every directory from the state directory down that is not 0700, every file not 0600. */
const loose = (stateDir: string, auditDir: string) => [
  ...[{ file: stateDir, dir: true }, ...walk(stateDir)]
    .filter((e) => modeOf(e.file) !== (e.dir ? "700" : "600"))
    .map((e) => `${e.file} ${modeOf(e.file)}`),
  ...audited(auditDir)
    .filter((a) => a.mode !== 0o600)
    .map((a) => `${a.file} (as it vanished) ${a.mode.toString(8)}`)
]

const logIds = (server: CaptureServer.CaptureServer) =>
  server
    .accepted(logsPath)
    .flatMap((r) =>
      decodeLogs(r.body).resourceLogs.flatMap((rl) =>
        rl.scopeLogs.flatMap((s) =>
          s.logRecords.map((l) => Number(String(attributesOf(l.attributes)["args"]).replace("list --id ", "")))
        )
      )
    )
    .toSorted((a, b) => a - b)

const spanIds = (server: CaptureServer.CaptureServer) =>
  spanRuns(server.accepted(tracesPath).map((r) => r.body)).toSorted((a, b) => a - b)

const requestFiles = (stateDir: string) =>
  fs.readdirSync(path.join(stateDir, "spool")).filter((f) => f.endsWith(".otlp"))

describe("secrets at rest", () => {
  it.live(
    "none on disk, all private under umask 022; a later process sends with its own credentials",
    () =>
      Effect.gen(function* () {
        let server = yield* CaptureServer.start()
        const port = Number(new URL(server.url).port)
        yield* CaptureServer.stop(server)
        const stateDir = path.join(yield* TempDir.make(), "state")
        const auditDir = yield* TempDir.make()
        const audit = { GT_OTEL_STATE_DIR: stateDir, AUDIT_DIR: auditDir }
        const options = (id: number, env: Record<string, string>): RunOptions => ({
          id,
          umask: "022",
          nodeArgs: ["--import", auditProgram],
          env: { ...env, ...audit, GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }
        })

        // Backend down: three processes at once (they contend for the counter lock).
        const down = yield* Effect.forEach([1, 2, 3], (id) => run(options(id, withCredentials(server.url))), {
          concurrency: 3
        })
        assert.deepStrictEqual(
          down.map((r) => r.code),
          [0, 0, 0]
        )
        assert.strictEqual(requestFiles(stateDir).length, 9, "each process spooled its metrics, its logs and its span")
        const seen = audited(auditDir).map((a) => path.basename(a.file))
        assert.isTrue(
          seen.some((f) => f.endsWith(".lock")),
          "lock files were caught as they vanished"
        )
        assert.isTrue(
          seen.some((f) => f.endsWith(".tmp")),
          "temporary files were caught as they vanished"
        )
        assert.deepStrictEqual(leaks(stateDir, auditDir, needles(server.url)), [])
        assert.deepStrictEqual(loose(stateDir, auditDir), [])

        // The backend is back; a process with the same configuration sends everything with
        // its own credentials, and the spool is empty.
        server = yield* CaptureServer.start(port)
        const up = yield* run(options(4, withCredentials(server.url)))
        assert.strictEqual(up.code, 0, up.stderr)
        assert.deepStrictEqual(logIds(server), [1, 2, 3, 4])
        for (const request of server.accepted(logsPath)) {
          assert.strictEqual(request.headers["authorization"], `Bearer ${secrets.bearer}`)
          assert.strictEqual(request.headers["x-api-key"], secrets.apiKey)
        }
        assert.deepStrictEqual(spanIds(server), [1, 2, 3, 4])
        for (const request of server.accepted(tracesPath)) {
          assert.strictEqual(request.headers["authorization"], basic(secrets.password), "userinfo as Basic auth")
          assert.strictEqual(request.headers["x-api-key"], secrets.apiKey)
          assert.strictEqual(request.headers["x-traces-key"], secrets.tracesKey)
        }
        assert.strictEqual(server.accepted(metricsPath).length, 4)
        for (const request of server.accepted(metricsPath)) {
          assert.strictEqual(request.headers["authorization"], basic(secrets.password), "userinfo as Basic auth")
          assert.strictEqual(request.headers["x-api-key"], secrets.apiKey)
          assert.strictEqual(request.headers["x-metrics-key"], secrets.metricsKey)
        }
        assert.strictEqual(
          server.requests.filter((r) => r.headers[Spool.batchHeader] !== undefined).length,
          12,
          "every request went through the spool with its batch id"
        )
        assert.deepStrictEqual(requestFiles(stateDir), [])
        assert.isTrue(
          audited(auditDir).some((a) => /\.sending\.\d+$/.test(a.file)),
          "claimed requests were caught as they vanished"
        )

        // A rotated password: the same backend, the same counter state.
        const rotated = `${secrets.password}2`
        const again = yield* run(options(5, withCredentials(server.url, rotated)))
        assert.strictEqual(again.code, 0, again.stderr)
        assert.strictEqual(server.accepted(metricsPath).at(-1)!.headers["authorization"], basic(rotated))
        assert.strictEqual(
          fs.readdirSync(stateDir).filter((f) => f !== "spool").length,
          1,
          "one counter state for the backend, whatever its password"
        )

        // The counter lock held (by this test's process) past a flush's patience: the flush
        // parks its deltas beside the state, for the next one to add.
        const keyDir = path.join(
          stateDir,
          fs.readdirSync(stateDir).find((f) => f !== "spool")!
        )
        const lock = path.join(keyDir, "counters.json.lock")
        fs.writeFileSync(lock, `${process.pid} held-by-the-test`, { mode: 0o600 })
        // Kept fresh: a lock older than a few seconds counts as abandoned, and a loaded machine
        // may take that long to start the process.
        const touch = setInterval(() => fs.utimesSync(lock, new Date(), new Date()), 500)
        const parked = yield* run(options(6, withCredentials(server.url))).pipe(
          Effect.ensuring(Effect.sync(() => clearInterval(touch)))
        )
        fs.rmSync(lock)
        assert.strictEqual(parked.code, 0, parked.stderr)
        assert.isTrue(
          fs.readdirSync(keyDir).some((f) => f.startsWith("parked-")),
          "deltas parked"
        )

        assert.deepStrictEqual(leaks(stateDir, auditDir, needles(server.url)), [])
        assert.deepStrictEqual(loose(stateDir, auditDir), [])
      }),
    90_000
  )

  it.live(
    "a process without the credentials sends its own data and leaves the spooled requests alone",
    () =>
      Effect.gen(function* () {
        let server = yield* CaptureServer.start()
        const port = Number(new URL(server.url).port)
        yield* CaptureServer.stop(server)
        const stateDir = yield* TempDir.make()
        yield* Effect.forEach([1, 2], (id) =>
          run({ id, env: { ...withCredentials(server.url), GT_OTEL_STATE_DIR: stateDir } })
        )
        assert.strictEqual(requestFiles(stateDir).length, 6)

        server = yield* CaptureServer.start(port)
        // What arrives is the point, not how long exit takes: on a loaded machine the default
        // budget could leave part of the spool for a later process.
        const bare = yield* run({
          id: 3,
          env: { ...withoutCredentials(server.url), GT_OTEL_STATE_DIR: stateDir, ...patient }
        })
        assert.strictEqual(bare.code, 0, bare.stderr)
        assert.deepStrictEqual(logIds(server), [3], "only its own records, which need no credentials")
        assert.deepStrictEqual(spanIds(server), [3], "and its own span")
        assert.isTrue(server.requests.every((r) => r.headers["authorization"] === undefined))
        assert.strictEqual(requestFiles(stateDir).length, 6, "the spooled requests wait for credentials")

        const configured = yield* run({
          id: 4,
          env: { ...withCredentials(server.url), GT_OTEL_STATE_DIR: stateDir, ...patient }
        })
        assert.strictEqual(configured.code, 0, configured.stderr)
        assert.deepStrictEqual(logIds(server), [1, 2, 3, 4])
        assert.deepStrictEqual(spanIds(server), [1, 2, 3, 4])
      }),
    60_000
  )
})

describe("the state directory", () => {
  it.live(
    "an existing one that others may read is tightened, with what is in it",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const stateDir = path.join(yield* TempDir.make(), "state")
        fs.mkdirSync(path.join(stateDir, "spool"), { recursive: true, mode: 0o755 })
        fs.chmodSync(stateDir, 0o755)
        fs.chmodSync(path.join(stateDir, "spool"), 0o755)
        fs.writeFileSync(path.join(stateDir, "spool", "notes"), "left by an older version", { mode: 0o644 })
        fs.chmodSync(path.join(stateDir, "spool", "notes"), 0o644)
        const ran = yield* run({
          umask: "022",
          env: { ...withoutCredentials(server.url), GT_OTEL_STATE_DIR: stateDir, GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }
        })
        assert.strictEqual(ran.code, 0, ran.stderr)
        assert.strictEqual(ran.stderr, "")
        assert.deepStrictEqual(loose(stateDir, yield* TempDir.make()), [])
        assert.strictEqual(logIds(server).length, 1)
      }),
    30_000
  )

  it.live.skipIf(process.getuid?.() !== 0)(
    "one that belongs to another user is refused in one line; the command runs on, telemetry without a spool",
    () =>
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        const stateDir = path.join(yield* TempDir.make(), "theirs")
        fs.mkdirSync(stateDir, { mode: 0o700 })
        // nobody
        fs.chownSync(stateDir, 65534, 65534)
        const env = { ...withoutCredentials(server.url), GT_OTEL_STATE_DIR: stateDir, GT_OTEL_FLUSH_TIMEOUT_MS: "5000" }
        for (const [mode, code] of [
          ["ok", 0],
          ["fail", 1]
        ] as const) {
          const ran = yield* run({ mode, env })
          assert.strictEqual(ran.code, code, ran.stderr)
          const ours = ran.stderr.split("\n").filter((line) => line.startsWith("gastown-otel:"))
          assert.strictEqual(ours.length, 1, ran.stderr)
          assert.include(ours[0], `${stateDir} belongs to another user (uid 65534)`)
          assert.include(ours[0], "without a spool")
        }
        assert.deepStrictEqual(fs.readdirSync(stateDir), [], "nothing written into it")
        assert.strictEqual(logIds(server).length, 2, "telemetry went on, sent directly")
      }),
    30_000
  )
})
