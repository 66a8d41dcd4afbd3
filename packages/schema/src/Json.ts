/**
 * JSON for generated files, laid out as the repository's formatter (prettier, printWidth 120)
 * lays it out, so generated files pass `prettier --check` as they are written.
 *
 * @since 0.1.0
 */

/**
 * A JSON value.
 *
 * @since 0.1.0
 */
export type Value = string | number | boolean | null | ReadonlyArray<Value> | { readonly [key: string]: Value }

const printWidth = 120

const isScalar = (value: Value): value is string | number | boolean | null =>
  value === null || typeof value !== "object"

const print = (value: Value, indent: number, prefix: string, suffix: string): string => {
  if (isScalar(value)) return JSON.stringify(value)
  const pad = " ".repeat(indent + 2)
  const close = " ".repeat(indent)
  if (Array.isArray(value)) {
    const items: ReadonlyArray<Value> = value
    if (items.length === 0) return "[]"
    // Arrays go on one line when they hold only scalars and fit; objects always break.
    if (items.every(isScalar)) {
      const flat = `[${items.map((v) => JSON.stringify(v)).join(", ")}]`
      if (indent + prefix.length + flat.length + suffix.length <= printWidth) return flat
    }
    const lines = items.map((v, i) => {
      const comma = i < items.length - 1 ? "," : ""
      return pad + print(v, indent + 2, "", comma) + comma
    })
    return `[\n${lines.join("\n")}\n${close}]`
  }
  const entries = Object.entries(value as { readonly [key: string]: Value })
  if (entries.length === 0) return "{}"
  const lines = entries.map(([key, v], i) => {
    const comma = i < entries.length - 1 ? "," : ""
    const head = `${JSON.stringify(key)}: `
    return pad + head + print(v, indent + 2, head, comma) + comma
  })
  return `{\n${lines.join("\n")}\n${close}}`
}

/**
 * Writes `value` as formatted JSON with a final newline.
 *
 * @since 0.1.0
 */
export const stringify = (value: Value): string => print(value, 0, "", "") + "\n"
