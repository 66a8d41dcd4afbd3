// The import boundaries of the README's diagram ("Who imports whom"), checked on every source
// file: an import the diagram does not allow, a relative import that leaves its package, an
// import of another package's internals, or a dependency its package.json does not declare.
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"

const root = path.resolve(import.meta.dirname, "..")

/** A node of the diagram: a package, the examples, or test code (tests, benches, scripts). */
type Node = string

interface Source {
  /** From the repository root. */
  readonly file: string
  readonly node: Node
  /** The folder whose package.json declares what the file may import. */
  readonly packageDir: string
  readonly text: string
}

const packageNodes: Record<string, Node> = {
  "@gastown-otel/schema": "schema",
  "@gastown-otel/telemetry": "telemetry",
  "@gastown-otel/stack": "stack",
  "@gastown-otel/testkit": "testkit",
  "@gastown-otel/receiver": "receiver",
  "@gastown-otel/launcher": "launcher",
  "@gastown-otel/release": "release",
  "@gastown-otel/example-bd": "examples",
  "@gastown-otel/example-gt": "examples",
  "@gastown-otel/example-effect-app": "examples"
}

/** The allowed edges, read from the README's mermaid diagram. */
export const diagram = (readme: string): ReadonlySet<string> => {
  const block = /Who imports whom[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(readme)
  if (block === null) throw new Error("README.md has no import diagram under 'Who imports whom'")
  return new Set([...block[1]!.matchAll(/^\s*(\w+) --> (\w+)\s*$/gm)].map((m) => `${m[1]} -> ${m[2]}`))
}

const nodeOf = (file: string): { readonly node: Node; readonly packageDir: string } => {
  const [top, name, kind] = file.split("/")
  // A package's test configuration is the repository's tooling, shared from the root.
  if (file.endsWith("/vitest.config.ts")) return { node: "tests", packageDir: "." }
  const shipped = kind === "src" || kind === "bin" || (top === "packages" && name === "launcher")
  if (top === "packages") return { node: shipped ? name! : "tests", packageDir: `packages/${name}` }
  if (top === "examples") return { node: shipped ? "examples" : "tests", packageDir: `examples/${name}` }
  return { node: "tests", packageDir: "." }
}

const walk = (dir: string): ReadonlyArray<string> =>
  readdirSync(path.join(root, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry)
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) return []
    if (statSync(path.join(root, rel)).isDirectory()) return walk(rel)
    return /\.(?:ts|mts|js|mjs)$/.test(entry) ? [rel] : []
  })

export const sources = (): ReadonlyArray<Source> =>
  ["packages", "examples", "scripts", "test"]
    .filter((dir) => existsSync(path.join(root, dir)))
    .flatMap(walk)
    .map((file) => ({ file, ...nodeOf(file), text: readFileSync(path.join(root, file), "utf8") }))

const specifiers = (text: string): ReadonlyArray<string> =>
  [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/\bimport\.meta\.resolve\(\s*"([^"]+)"\s*\)/g)
  ].map((m) => m[1]!)

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!

const declared = (packageDir: string): ReadonlySet<string> => {
  const json = JSON.parse(readFileSync(path.join(root, packageDir, "package.json"), "utf8"))
  return new Set(
    ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((k) =>
      Object.keys(json[k] ?? {})
    )
  )
}

/** What is wrong with the imports of `files` under the diagram `allowed`. */
export const violations = (
  files: ReadonlyArray<Source>,
  allowed: ReadonlySet<string>,
  dependencies: (packageDir: string) => ReadonlySet<string> = declared
): ReadonlyArray<string> =>
  files.flatMap((source) =>
    specifiers(source.text).flatMap((specifier): ReadonlyArray<string> => {
      const at = `${source.file} imports "${specifier}"`
      if (specifier.startsWith("node:")) return []
      if (specifier.startsWith(".")) {
        const target = path.normalize(path.join(path.dirname(source.file), specifier))
        const inside =
          source.packageDir === "."
            ? !/^(?:packages|examples)\//.test(target)
            : target.startsWith(`${source.packageDir}/`)
        return inside ? [] : [`${at}: a relative import that leaves ${source.packageDir}`]
      }
      const name = packageName(specifier)
      const node = packageNodes[name]
      if (node !== undefined) {
        if (/(?:^|\/)internal(?:\/|$)/.test(specifier.slice(name.length))) return [`${at}: another package's internals`]
        return node === source.node || allowed.has(`${source.node} -> ${node}`)
          ? []
          : [`${at}: ${source.node} may not import ${node}`]
      }
      // The root package.json declares what the workspace shares (tools, test libraries).
      return dependencies(source.packageDir).has(name) || dependencies(".").has(name)
        ? []
        : [`${at}: ${name} is not declared in ${source.packageDir}/package.json`]
    })
  )

describe("import boundaries", () => {
  const allowed = diagram(readFileSync(path.join(root, "README.md"), "utf8"))
  const all = sources()

  it("the README's diagram has edges, and every file of the tree is checked", () => {
    assert.isAtLeast(allowed.size, 10)
    assert.isAtLeast(all.length, 150)
    for (const node of ["schema", "telemetry", "stack", "testkit", "examples", "tests"]) {
      assert.isTrue(
        all.some((s) => s.node === node),
        node
      )
    }
  })

  it("hold for every source file", () => {
    assert.deepStrictEqual(violations(all, allowed), [])
  })

  it("catch what they forbid", () => {
    // Built at run time, so that this file's own text holds no such import.
    const file = (file: string, how: "from" | "dynamic", specifier: string): Source => ({
      file,
      ...nodeOf(file),
      text:
        how === "from"
          ? `import * as m from ${JSON.stringify(specifier)}`
          : `const m = await import(${JSON.stringify(specifier)})`
    })
    const none = () => new Set<string>()
    assert.deepStrictEqual(
      violations(
        [
          file("packages/schema/src/A.ts", "from", "@gastown-otel/telemetry"),
          file("packages/stack/src/B.ts", "from", "@gastown-otel/telemetry/internal/Exporter"),
          file("examples/bd/src/C.ts", "from", "../../../packages/telemetry/src/internal/Emit.ts"),
          file("packages/telemetry/src/D.ts", "dynamic", "left-pad"),
          file("packages/telemetry/src/E.ts", "from", "@gastown-otel/schema"),
          file("packages/telemetry/src/F.ts", "from", "node:fs"),
          file("packages/telemetry/test/G.ts", "from", "../src/internal/Emit.ts")
        ],
        allowed,
        none
      ),
      [
        'packages/schema/src/A.ts imports "@gastown-otel/telemetry": schema may not import telemetry',
        'packages/stack/src/B.ts imports "@gastown-otel/telemetry/internal/Exporter": another package\'s internals',
        'examples/bd/src/C.ts imports "../../../packages/telemetry/src/internal/Emit.ts": a relative import that leaves examples/bd',
        'packages/telemetry/src/D.ts imports "left-pad": left-pad is not declared in packages/telemetry/package.json'
      ]
    )
  })
})
