/**
 * The generated files' content: plain data, written as YAML by `yaml` and as JSON laid out by
 * prettier (with the repository's own settings), so the files pass `prettier --check` as written.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as prettier from "prettier"
import * as YAML from "yaml"

/**
 * A value of a generated document.
 *
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | null | ReadonlyArray<Value> | { readonly [key: string]: Value }

/**
 * A mapping at the top of a generated document.
 *
 * @since 0.1.0
 * @category models
 */
export type Mapping = { readonly [key: string]: Value }

/**
 * `document` as YAML after `comments` as `#` lines. Every string is double-quoted, and the
 * writer quotes for YAML 1.1 too, so readers of either version (docker compose's and Grafana's
 * differ) read every value alike: no `no`, `3000:3000` or `1e3` is ever reinterpreted.
 *
 * @since 0.1.0
 * @category writers
 */
export const toYaml = (document: Mapping, comments: ReadonlyArray<string> = []): string => {
  // No anchors: a value used twice (a healthcheck condition) is written out twice.
  const doc = new YAML.Document(document, { version: "1.1", aliasDuplicateObjects: false })
  if (comments.length > 0) doc.commentBefore = comments.map((line) => ` ${line}`).join("\n")
  return doc.toString({ defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 })
}

// The repository's prettier settings, read once: generated JSON looks like formatted JSON.
const settings = Effect.promise(() => prettier.resolveConfig(new URL("../../../package.json", import.meta.url)))

/**
 * `value` as JSON formatted by prettier with the repository's settings, newline-terminated.
 *
 * @since 0.1.0
 * @category writers
 */
export const toJson = (value: Value): Effect.Effect<string> =>
  Effect.flatMap(settings, (options) =>
    Effect.promise(() => prettier.format(JSON.stringify(value), { ...options, parser: "json" }))
  )
