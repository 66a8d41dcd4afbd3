/**
 * A YAML writer for the stack's generated files. It writes a deliberately small subset: block
 * mappings and sequences, and every scalar in JSON syntax (strings double-quoted), which YAML
 * 1.1 and 1.2 read alike. So no value is ever reinterpreted (`no`, `3000:3000`, `1e3`) by
 * docker compose or Grafana, and the output stays readable.
 *
 * @since 0.1.0
 */

/**
 * A value the writer accepts.
 *
 * @since 0.1.0
 */
export type Value = string | number | boolean | null | ReadonlyArray<Value> | { readonly [key: string]: Value }

// Words YAML 1.1 reads as booleans or null: such keys are quoted.
const reserved = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i
const plainKey = /^[A-Za-z_][A-Za-z0-9_./-]*$/

const key = (name: string): string => (plainKey.test(name) && !reserved.test(name) ? name : JSON.stringify(name))

const scalar = (value: Exclude<Value, ReadonlyArray<Value> | { readonly [key: string]: Value }>): string => {
  const text = JSON.stringify(value)
  // YAML 1.1 reads `1e+21` as a string (its floats need a dot): only plain decimals are written.
  if (typeof value === "number" && !/^-?\d+(?:\.\d+)?$/.test(text)) throw new Error(`YAML: unsupported number ${text}`)
  return text
}

const isArray = (value: Value): value is ReadonlyArray<Value> => Array.isArray(value)
const isMapping = (value: Value): value is { readonly [key: string]: Value } =>
  value !== null && typeof value === "object" && !Array.isArray(value)

// A value that fits after `key: ` or `- ` on the same line.
const inline = (value: Value): string | undefined => {
  if (isArray(value)) return value.length === 0 ? "[]" : undefined
  if (isMapping(value)) return Object.keys(value).length === 0 ? "{}" : undefined
  return scalar(value)
}

const block = (value: Value, indent: number): Array<string> => {
  const pad = " ".repeat(indent)
  if (isArray(value)) {
    return value.flatMap((item) => {
      const one = inline(item)
      if (one !== undefined) return [`${pad}- ${one}`]
      // A nested block starts on the dash line: its first line loses the indentation the dash takes.
      const [first = "", ...rest] = block(item, indent + 2)
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest]
    })
  }
  if (isMapping(value)) {
    return Object.entries(value).flatMap(([name, item]) => {
      const one = inline(item)
      return one !== undefined ? [`${pad}${key(name)}: ${one}`] : [`${pad}${key(name)}:`, ...block(item, indent + 2)]
    })
  }
  return [`${pad}${scalar(value)}`]
}

/**
 * Writes `document` (a mapping) as YAML, after `comments` as `#` lines.
 *
 * @since 0.1.0
 */
export const stringify = (document: { readonly [key: string]: Value }, comments: ReadonlyArray<string> = []): string =>
  [...comments.map((line) => (line === "" ? "#" : `# ${line}`)), ...block(document, 0)].join("\n") + "\n"
