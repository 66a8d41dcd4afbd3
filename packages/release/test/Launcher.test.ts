// The CLIs' launcher, in a scratch layout shaped like the checkout (a bin, its bundle, the
// launcher package, optionally a pinned Node in .tools): the bundle runs in the same process
// on a new-enough Node; on an older Node (the machine's own, here) it runs on the pinned
// Node with its arguments, exit code and signals carried over, or the launcher says which
// Node it needs.
import { minimum } from "@gastown-otel/launcher"
import { Process, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as semver from "semver"
import * as Repo from "./support/Repo.ts"

const launcher = path.join(Repo.root, "packages/launcher")

// The bundle reports where it runs; EXIT, KILL and WAIT make it exit, die by a signal or wait.
const bundle = `
console.log(JSON.stringify({ node: process.versions.node, ppid: process.ppid, args: process.argv.slice(2) }))
if (process.env.KILL) process.kill(process.pid, process.env.KILL)
if (process.env.WAIT) setTimeout(() => {}, 30_000)
process.exitCode = Number(process.env.EXIT ?? 0)
`

const layout = (options: { readonly pinned: boolean; readonly built?: boolean }) =>
  Effect.gen(function* () {
    const dir = yield* TempDir.make("launcher-test-")
    const installedLauncher = path.join(dir, "node_modules/@gastown-otel/launcher")
    fs.mkdirSync(installedLauncher, { recursive: true })
    for (const file of fs.readdirSync(launcher).filter((f) => f.endsWith(".js") || f === "package.json")) {
      fs.copyFileSync(path.join(launcher, file), path.join(installedLauncher, file))
    }
    fs.mkdirSync(path.join(dir, "app/bin"), { recursive: true })
    const bin = path.join(dir, "app/bin/app.js")
    // The examples' bins, with this program's name and bundle.
    const bdBin = fs.readFileSync(path.join(Repo.root, "examples/bd/bin/bd.js"), "utf8")
    fs.writeFileSync(bin, bdBin.replaceAll("bd", "app"))
    if (options.built !== false) {
      fs.mkdirSync(path.join(dir, "app/dist"))
      fs.writeFileSync(path.join(dir, "app/dist/app.js"), bundle)
    }
    if (options.pinned) {
      const pinned = path.join(dir, `.tools/node_modules/node-${process.platform}-${process.arch}/bin`)
      fs.mkdirSync(pinned, { recursive: true })
      fs.symlinkSync(process.execPath, path.join(pinned, "node"))
    }
    return bin
  })

const report = (ran: Process.Ran) => JSON.parse(ran.stdout.trim().split("\n")[0]!)

const systemNode = Repo.systemNode()
const systemIsOld = semver.lt(Repo.versionOf(systemNode), minimum)

const env = (variables: Record<string, string> = {}) => ({ PATH: "/usr/bin:/bin", ...variables })

describe("the launcher", () => {
  it("runs the examples' bundles: each bin names one", () => {
    for (const example of ["bd", "gt", "effect-app"]) {
      const manifest = JSON.parse(fs.readFileSync(path.join(Repo.root, "examples", example, "package.json"), "utf8"))
      const bin = fs.readFileSync(path.join(Repo.root, "examples", example, manifest.bin[example]), "utf8")
      assert.match(bin, /^#!\/usr\/bin\/env node\n/, example)
      assert.match(
        bin,
        /await launch\("[a-z-]+", new URL\("\.\.\/dist\/[a-z-]+\.js", import\.meta\.url\)\.href\)/,
        example
      )
    }
  })

  it.live("on a new-enough Node, runs the bundle in its own process", () =>
    Effect.gen(function* () {
      const bin = yield* layout({ pinned: false })
      const ran = yield* Process.run(process.execPath, [bin, "list", "--json"], { env: env({ EXIT: "3" }) })
      assert.strictEqual(ran.code, 3, ran.stderr)
      assert.deepStrictEqual(report(ran), { node: process.versions.node, ppid: process.pid, args: ["list", "--json"] })
    })
  )

  it.live("says when the bundle is not built", () =>
    Effect.gen(function* () {
      const bin = yield* layout({ pinned: false, built: false })
      const ran = yield* Process.run(process.execPath, [bin], { env: env() })
      assert.strictEqual(ran.code, 1)
      assert.include(ran.stderr, "app: not built")
      assert.include(ran.stderr, "npm run build")
    })
  )

  describe.skipIf(!systemIsOld)(`on the machine's older Node (${systemNode})`, () => {
    it.live("without a pinned Node: exits 1 naming the Node it needs", () =>
      Effect.gen(function* () {
        const bin = yield* layout({ pinned: false })
        const ran = yield* Process.run(systemNode, [bin], { env: env() })
        assert.strictEqual(ran.code, 1)
        assert.strictEqual(ran.stdout, "")
        assert.include(ran.stderr, `app: needs Node >= ${minimum}, this is Node ${Repo.versionOf(systemNode)}`)
      })
    )

    it.live("with the pinned Node: runs the bundle on it, with the arguments and the exit code", () =>
      Effect.gen(function* () {
        const bin = yield* layout({ pinned: true })
        const ran = yield* Process.run(systemNode, [bin, "show", "bd-1"], { env: env({ EXIT: "3" }) })
        assert.strictEqual(ran.code, 3, ran.stderr)
        const where = report(ran)
        assert.deepStrictEqual([where.node, where.args], [process.versions.node, ["show", "bd-1"]])
        assert.notStrictEqual(where.ppid, process.pid, "a second process, started by the launcher")
      })
    )

    it.live("with the pinned Node: a bundle killed by a signal ends the launcher by that signal", () =>
      Effect.gen(function* () {
        const bin = yield* layout({ pinned: true })
        const ran = yield* Process.run(systemNode, [bin], { env: env({ KILL: "SIGTERM" }) })
        assert.strictEqual(ran.signal, "SIGTERM", ran.stderr)
      })
    )

    it.live("with the pinned Node: SIGTERM sent to the launcher reaches the bundle", () =>
      Effect.gen(function* () {
        const bin = yield* layout({ pinned: true })
        const ran = yield* Process.run(systemNode, [bin], {
          env: env({ WAIT: "1" }),
          signalOn: { text: "ppid", signal: "SIGTERM" }
        })
        assert.strictEqual(ran.signal, "SIGTERM", ran.stderr)
      })
    )
  })
})
