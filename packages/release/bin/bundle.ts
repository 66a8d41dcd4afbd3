// Bundles each CLI (the examples', the receiver's, and the telemetry package's test program) into one minified ESM
// file, plus a chunk for each part loaded lazily (the exporter, loaded only when telemetry is
// on). A CLI started hundreds of times a session should not resolve, read and compile
// hundreds of modules each time. Built from the workspace packages' sources (the
// `@gastown-otel/source` export condition), so no other build step has to run first.
//
// Nothing is rebuilt while the bundles are newer than every source file, package manifest and
// the lock file, and a rebuilt bundle replaces the old one in two renames: tests may be
// running the CLIs meanwhile (the README's test runs `npm run demo`, which builds).
import * as fs from "node:fs"
import * as path from "node:path"
import { build } from "rolldown"

const root = path.resolve(import.meta.dirname, "../../..")

const bundles: ReadonlyArray<{
  readonly dir: string
  readonly input: Readonly<Record<string, string>>
  readonly external?: ReadonlyArray<string>
}> = [
  { dir: "examples/bd", input: { bd: "src/bin.ts" } },
  { dir: "examples/gt", input: { gt: "src/bin.ts", "claude-stand-in": "src/claude-stand-in.ts" } },
  { dir: "examples/effect-app", input: { main: "src/main.ts" } },
  // The receiver bundles its page with esbuild at run time, whose API cannot be bundled.
  { dir: "packages/receiver", input: { "gastown-otel": "src/bin.ts" }, external: ["esbuild"] },
  { dir: "packages/telemetry/test/programs", input: { "emit-one": "emit-one.ts" } }
]

const files = (dir: string): Array<string> =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)) : []

const mtime = (file: string) => fs.statSync(file).mtimeMs

const inputs = [
  ...["packages", "examples"].flatMap((group) =>
    fs
      .readdirSync(path.join(root, group))
      .flatMap((name) => [...files(path.join(root, group, name, "src")), path.join(root, group, name, "package.json")])
      .filter((file) => fs.existsSync(file))
  ),
  ...bundles.flatMap(({ dir, input }) => Object.values(input).map((file) => path.join(root, dir, file))),
  path.join(root, "package-lock.json"),
  import.meta.filename
]
const newestInput = Math.max(...inputs.map(mtime))

const stale = bundles.filter(({ dir, input }) => {
  const outputs = Object.keys(input).map((name) => path.join(root, dir, "dist", `${name}.js`))
  return !outputs.every((file) => fs.existsSync(file) && mtime(file) > newestInput)
})

const started = performance.now()
await Promise.all(
  stale.map(async ({ dir, input, external }) => {
    const out = path.join(root, dir, "dist")
    const next = `${out}.next-${process.pid}`
    const old = `${out}.old-${process.pid}`
    await build({
      input: Object.fromEntries(Object.entries(input).map(([name, file]) => [name, path.join(root, dir, file)])),
      platform: "node",
      external: [...(external ?? [])],
      resolve: { conditionNames: ["@gastown-otel/source", "node", "import", "default"] },
      logLevel: "warn",
      output: { dir: next, format: "esm", minify: true, sourcemap: true }
    })
    if (fs.existsSync(out)) fs.renameSync(out, old)
    fs.renameSync(next, out)
    fs.rmSync(old, { recursive: true, force: true })
  })
)
if (stale.length > 0) {
  console.log(`bundled ${stale.map((b) => b.dir).join(", ")} in ${Math.round(performance.now() - started)} ms`)
}
