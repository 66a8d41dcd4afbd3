// One minimum Node everywhere: the CLIs' launcher, every package's `engines`, the README,
// the pinned Node; and it is what the runtime dependencies declare, no more and no less.
import { minimum } from "@gastown-otel/launcher"
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import * as semver from "semver"
import * as Repo from "./support/Repo.ts"

interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly engines?: { readonly node?: string }
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
}

const read = (file: string): Manifest => JSON.parse(fs.readFileSync(file, "utf8"))

const workspaces = ["packages", "examples"].flatMap((group) =>
  fs
    .readdirSync(path.join(Repo.root, group))
    .map((name) => path.join(Repo.root, group, name))
    .filter((dir) => fs.existsSync(path.join(dir, "package.json")))
)

// Where Node would find `name` from `dir`: the nearest node_modules up the tree.
const installed = (dir: string, name: string): string | undefined => {
  for (let at = dir; ; at = path.dirname(at)) {
    const candidate = path.join(at, "node_modules", name)
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate)
    if (path.dirname(at) === at) return undefined
  }
}

// What the shipped packages and the CLIs run on: their dependencies and required peers,
// transitively, without anything only the repository's tests or build use.
const runtimeDependencies = (): ReadonlyMap<string, Manifest> => {
  const found = new Map<string, Manifest>()
  const visit = (dir: string) => {
    const manifest = read(path.join(dir, "package.json"))
    const required = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true
    )
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...required]) {
      const at = installed(dir, name)
      assert.isDefined(at, `${manifest.name} needs ${name}, which is not installed`)
      if (found.has(at!)) continue
      found.set(at!, read(path.join(at!, "package.json")))
      visit(at!)
    }
  }
  for (const dir of workspaces) visit(dir)
  return new Map([...found.values()].filter((m) => !m.name.startsWith("@gastown-otel/")).map((m) => [m.name, m]))
}

describe("the minimum Node", () => {
  it("is every package's engines.node", () => {
    const declared = [Repo.root, ...workspaces].map((dir) => {
      const manifest = read(path.join(dir, "package.json"))
      return [manifest.name, manifest.engines?.node]
    })
    assert.deepStrictEqual(
      declared.filter(([, range]) => range !== `>=${minimum}`),
      [],
      `engines.node other than >=${minimum}`
    )
  })

  it("is what the runtime dependencies need: every one allows it, one needs it", () => {
    const engines = [...runtimeDependencies().values()].flatMap((m) =>
      m.engines?.node === undefined ? [] : [{ name: `${m.name}@${m.version}`, range: m.engines.node }]
    )
    assert.isAbove(engines.length, 0)
    assert.deepStrictEqual(
      engines.filter((e) => !semver.satisfies(minimum, e.range)),
      [],
      `dependencies that refuse Node ${minimum}`
    )
    const needing = engines.filter((e) => semver.minVersion(e.range)?.version === minimum).map((e) => e.name)
    assert.isAbove(needing.length, 0, `no runtime dependency needs Node ${minimum}: ${JSON.stringify(engines)}`)
  })

  it("is the one the README names", () => {
    const named = [...Repo.readme().matchAll(/Node (?:≥|>=) ?(\d+(?:\.\d+)*)/g)].map((m) => m[1])
    assert.isAbove(named.length, 0)
    assert.deepStrictEqual([...new Set(named)], [minimum])
  })

  it("is met by the pinned Node", () => {
    const script = fs.readFileSync(path.join(Repo.root, "scripts/with-node.sh"), "utf8")
    const pinned = /^node_version="([\d.]+)"$/m.exec(script)?.[1]
    assert.isDefined(pinned)
    assert.isTrue(semver.gte(pinned!, minimum), `pinned ${pinned}`)
  })
})
