// The page's script and style, bundled from src/page/main.ts (uPlot and its stylesheet
// included) by esbuild in memory, once, at the first request: the page works offline and
// needs no build step. The sources are found from the receiver's package directory, so the
// same code runs from src/ and from the bundled bin in dist/ (which keeps esbuild external:
// esbuild's API cannot itself be bundled).
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export interface Bundle {
  readonly js: string
  readonly css: string
}

const packageName = "@gastown-otel/receiver"

// The nearest directory above this module whose package.json is the receiver's.
const packageDir = (): string => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === packageName) return dir
    if (path.dirname(dir) === dir) throw new Error(`no ${packageName} package above ${fileURLToPath(import.meta.url)}`)
  }
}

export const build = async (): Promise<Bundle> => {
  const esbuild = await import("esbuild")
  const result = await esbuild.build({
    entryPoints: [path.join(packageDir(), "src", "page", "main.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    minify: true,
    outdir: "page",
    logLevel: "silent"
  })
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? ""
  return { js: text(".js"), css: text(".css") }
}
