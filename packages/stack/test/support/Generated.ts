// The generated files as the checked-in copies hold them, read back the way their consumers
// read them: YAML by a full reader in both YAML versions (docker compose reads 1.1, Grafana
// 1.2), JSON by JSON.parse.
import { Files } from "@gastown-otel/stack"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import * as YAML from "yaml"

export const root = new URL("../../../../", import.meta.url)
export const read = (path: string) => readFileSync(new URL(path, root), "utf8")

export type Doc = { readonly [key: string]: any }

/** Reads YAML as a YAML 1.1 or 1.2 reader does; duplicate keys and any error throw. */
export const parseYaml = (text: string, version: "1.1" | "1.2"): unknown => {
  const doc = YAML.parseDocument(text, { version, uniqueKeys: true })
  if (doc.errors.length > 0) throw doc.errors[0]
  return doc.toJS()
}

export const readYaml = (path: string): Doc => parseYaml(read(path), "1.2") as Doc

export const generated = await Effect.runPromise(Files.files)

export const compose = readYaml(Files.composePath)
export const services: Doc = compose["services"]
