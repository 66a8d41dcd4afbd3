// The public packages as npm packs them, checked as a user gets them: what the tarballs
// hold, publint and arethetypeswrong (ESM-only), no internal module reachable from a public
// declaration, and an Effect app outside the workspace that installs them from the tarballs
// (effect and @effect/platform-node from the registry, or npm's cache), type-checks the
// README's program verbatim and runs it against a local OTLP endpoint.
import { CaptureServer, Endpoints, Process, Received, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it, layer } from "@effect/vitest"
import type { Correlation } from "@gastown-otel/schema"
import { Context, Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Repo from "./support/Repo.ts"

interface Tarball {
  readonly name: string
  readonly file: string
  /** Where it was unpacked: the package as installed. */
  readonly dir: string
  readonly manifest: {
    readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>
    readonly private?: boolean
  }
  readonly files: ReadonlyArray<string>
}

// Every workspace package that is not private is published.
const publicPackages = fs
  .readdirSync(path.join(Repo.root, "packages"))
  .map((name) => `packages/${name}`)
  .filter((dir) => JSON.parse(fs.readFileSync(path.join(Repo.root, dir, "package.json"), "utf8")).private !== true)

class Packed extends Context.Service<Packed, { readonly dir: string; readonly tarballs: ReadonlyArray<Tarball> }>()(
  "release/Packed"
) {}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, timeoutMs = 120_000) =>
  Effect.flatMap(Process.run(command, args, { cwd, env: Process.environment(), timeoutMs }), (ran) =>
    ran.code === 0
      ? Effect.succeed(ran)
      : Effect.die(new Error(`${command} ${args.join(" ")} exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`))
  )

// `npm pack` runs each package's prepack (its build), as `npm publish` would.
const PackedLive = Layer.effect(
  Packed,
  Effect.gen(function* () {
    const dir = yield* TempDir.make("packed-")
    const packed = yield* run(
      "npm",
      ["pack", "--json", "--pack-destination", dir, ...publicPackages.flatMap((p) => ["-w", p])],
      Repo.root
    )
    const report = JSON.parse(packed.stdout) as ReadonlyArray<{
      readonly name: string
      readonly filename: string
      readonly files: ReadonlyArray<{ readonly path: string }>
    }>
    const tarballs = yield* Effect.forEach(report, (entry) =>
      Effect.gen(function* () {
        const unpacked = path.join(dir, entry.name.replace("/", "+"))
        fs.mkdirSync(unpacked)
        yield* run("tar", ["-xzf", path.join(dir, entry.filename), "-C", unpacked, "--strip-components=1"], dir)
        return {
          name: entry.name,
          file: path.join(dir, entry.filename),
          dir: unpacked,
          manifest: JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8")),
          files: entry.files.map((f) => f.path)
        } satisfies Tarball
      })
    )
    return { dir, tarballs }
  })
)

// The files a package's exports point users at (the workspace-only source condition aside).
const targets = (tarball: Tarball) =>
  Object.values(tarball.manifest.exports).flatMap((target) =>
    typeof target === "string"
      ? [target]
      : Object.entries(target)
          .filter(([condition]) => condition !== "@gastown-otel/source")
          .map(([, file]) => file)
  )

const relativeImports = /(?:from\s+|import\()\s*"(\.{1,2}\/[^"]+)"/g

// The declaration files reachable from `entry` through relative imports.
const declarationGraph = (entry: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(relativeImports)) {
      visit(path.resolve(path.dirname(file), specifier!.replace(/\.(?:ts|js)$/, ".d.ts")))
    }
  }
  visit(entry)
  return [...seen]
}

// The workspace's own copy of a dependency: its manifest, its bin script, its version.
const manifestOf = (pkg: string) =>
  JSON.parse(fs.readFileSync(path.join(Repo.root, "node_modules", pkg, "package.json"), "utf8")) as {
    readonly version: string
    readonly bin: string | Readonly<Record<string, string>>
  }

const bin = (pkg: string, name: string) => {
  const bins = manifestOf(pkg).bin
  return path.join(Repo.root, "node_modules", pkg, typeof bins === "string" ? bins : bins[name]!)
}

describe("the published packages", () => {
  it("are every public workspace package", () => {
    assert.deepStrictEqual(publicPackages, ["packages/schema", "packages/telemetry"])
  })

  // Real time throughout: these tests wait for real processes.
  layer(PackedLive, { timeout: 180_000, excludeTestServices: true })("packed", (it) => {
    it.effect("hold the built JavaScript, declarations and maps, the sources they map to, and no tests", () =>
      Effect.gen(function* () {
        const { tarballs } = yield* Packed
        assert.strictEqual(tarballs.length, publicPackages.length)
        for (const tarball of tarballs) {
          assert.deepStrictEqual(
            tarball.files.filter((f) => !/^(?:dist|src)\//.test(f) && f !== "package.json"),
            [],
            tarball.name
          )
          assert.deepStrictEqual(
            tarball.files.filter((f) => /(?:^|\/)test\/|\.test\./.test(f)),
            [],
            tarball.name
          )
          for (const target of targets(tarball)) assert.include(tarball.files, target.slice(2), tarball.name)
          for (const js of tarball.files.filter((f) => f.startsWith("dist/") && f.endsWith(".js"))) {
            assert.include(tarball.files, js.replace(/\.js$/, ".d.ts"), tarball.name)
            assert.include(tarball.files, `${js}.map`, tarball.name)
          }
          assert.deepStrictEqual(
            Object.keys(tarball.manifest.exports).filter((key) => key.includes("internal")),
            [],
            tarball.name
          )
        }
      })
    )

    it.effect("no public declaration reaches an internal module", () =>
      Effect.gen(function* () {
        const { tarballs } = yield* Packed
        for (const tarball of tarballs) {
          const entries = targets(tarball).filter((t) => t.endsWith(".d.ts"))
          assert.isAbove(entries.length, 0, tarball.name)
          for (const entry of entries) {
            const graph = declarationGraph(path.join(tarball.dir, entry))
            const missing = graph.filter((file) => !fs.existsSync(file))
            assert.deepStrictEqual(missing, [], `${tarball.name} ${entry}: declarations it imports`)
            const internal = graph.filter((file) => file.split(path.sep).includes("internal"))
            assert.deepStrictEqual(internal, [], `${tarball.name} ${entry}: internal declarations in its graph`)
          }
        }
      })
    )

    it.effect(
      "pass publint (strict) and arethetypeswrong (ESM only)",
      () =>
        Effect.gen(function* () {
          const { dir, tarballs } = yield* Packed
          for (const tarball of tarballs) {
            yield* run(process.execPath, [bin("publint", "publint"), tarball.file, "--strict"], dir)
            yield* run(
              process.execPath,
              [bin("@arethetypeswrong/cli", "attw"), tarball.file, "--profile", "esm-only"],
              dir
            )
          }
        }),
      120_000
    )

    it.effect(
      "an Effect app outside the workspace installs them and runs the README's program",
      () =>
        Effect.gen(function* () {
          const { tarballs } = yield* Packed
          const app = yield* TempDir.make("effect-app-")
          assert.isTrue(path.relative(Repo.root, app).startsWith(".."), "outside the checkout")
          fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ private: true, type: "module" }))
          fs.writeFileSync(
            path.join(app, "tsconfig.json"),
            JSON.stringify({
              compilerOptions: { strict: true, module: "nodenext", noEmit: true, skipLibCheck: false, types: ["node"] },
              files: ["main.ts"]
            })
          )
          fs.writeFileSync(path.join(app, "main.ts"), Repo.block(Repo.readme(), "Use it in an Effect program", "ts"))
          const ours = ["@gastown-otel/schema", "@gastown-otel/telemetry"].map(
            (name) => tarballs.find((t) => t.name === name)!.file
          )
          const registry = ["effect", "@effect/platform-node", "@types/node"].map(
            (p) => `${p}@${manifestOf(p).version}`
          )
          yield* run(
            "npm",
            ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...ours, ...registry],
            app,
            240_000
          )
          yield* run(process.execPath, [path.join(Repo.root, "node_modules/typescript/bin/tsc"), "-p", app], app)

          const server = yield* CaptureServer.start()
          const ran = yield* Process.node(path.join(app, "main.ts"), [], {
            cwd: app,
            env: {
              PATH: process.env["PATH"] ?? "",
              GT_OTEL_STATE_DIR: path.join(app, "state"),
              ...Endpoints.patientFlush,
              ...Endpoints.telemetryAt("gt", server.url)
            }
          })
          assert.strictEqual(ran.code, 0, ran.stderr)

          const labels: Correlation.Labels = { "gt.rig": "mol", "gt.agent": "jana" }
          const logs = Received.logs(server)
          assert.deepStrictEqual(
            logs.map((record) => record.body),
            ["bd.call", "sling"]
          )
          for (const record of logs) assert.deepInclude(record.attributes, { ...labels, status: "ok" })
          assert.strictEqual(new Set(logs.map((record) => record.traceId)).size, 1, "one span around both")
          const calls = Received.points(server).filter((p) => p.metric === Received.metricName("bd.call", "counter"))
          assert.deepStrictEqual(
            calls.map((p) => [p.attributes["subcommand"], p.value]),
            [["show", 1]]
          )
        }),
      300_000
    )
  })
})
