// The page's script and style, bundled from src/page/main.ts (uPlot and its stylesheet
// included) by esbuild in memory, once, at the first request: the page works offline and
// needs no build step before `gastown-otel serve` runs from source.
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

export interface Bundle {
  readonly js: string
  readonly css: string
}

const entry = fileURLToPath(new URL("../page/main.ts", import.meta.url))

export const build = async (): Promise<Bundle> => {
  const result = await esbuild.build({
    entryPoints: [entry],
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
