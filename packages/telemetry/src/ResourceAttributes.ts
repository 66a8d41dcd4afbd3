/**
 * The `key1=value1,key2=value2` format of `OTEL_RESOURCE_ATTRIBUTES` and of the
 * `OTEL_EXPORTER_OTLP_*_HEADERS` variables, with percent-encoded keys and values.
 *
 * @since 0.1.0
 */

/**
 * Parsed entries, in order of first appearance, keys unique.
 *
 * @since 0.1.0
 * @category models
 */
export type Entries = Array<[string, string]>

const isHex = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)

// ignoreBOM keeps a leading U+FEFF that a value really holds; invalid UTF-8 becomes U+FFFD
// rather than an exception, because a bad byte in someone else's variable must not crash us.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true })

/**
 * Percent-decodes `text` tolerantly: a `%` not followed by two hex digits stays as it is
 * (Go gt and people write unescaped values such as `50%`), and byte runs that are not
 * valid UTF-8 decode to U+FFFD.
 *
 * @since 0.1.0
 * @category parsing
 */
export const decode = (text: string): string => {
  if (!text.includes("%")) return text
  let out = ""
  let i = 0
  while (i < text.length) {
    const bytes: Array<number> = []
    while (
      i + 2 < text.length &&
      text.charCodeAt(i) === 0x25 &&
      isHex(text.charCodeAt(i + 1)) &&
      isHex(text.charCodeAt(i + 2))
    ) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 3
    }
    if (bytes.length > 0) {
      out += utf8.decode(new Uint8Array(bytes))
      continue
    }
    out += text.charAt(i)
    i++
  }
  return out
}

// W3C baggage-octet (the format OTEL_RESOURCE_ATTRIBUTES refers to) minus `%` (our escape)
// and `=` (the key/value separator, which naive parsers split on anywhere): everything else
// — controls, space, `"`, `,`, `;`, `\`, DEL and all non-ASCII — is encoded, which also
// protects leading/trailing whitespace from the parser's trimming.
const unsafePrintable = new Set(['"', "%", ",", ";", "=", "\\"].map((c) => c.charCodeAt(0)))
const isSafe = (code: number): boolean => code >= 0x21 && code <= 0x7e && !unsafePrintable.has(code)

const utf8Encoder = new TextEncoder()

const hex = (byte: number): string => "%" + byte.toString(16).toUpperCase().padStart(2, "0")

/**
 * Percent-encodes `text` (as UTF-8) so that it survives {@link parse} unchanged. A lone
 * surrogate has no UTF-8 form and is sent as U+FFFD, as every UTF-8 encoder does.
 *
 * @since 0.1.0
 * @category parsing
 */
export const encode = (text: string): string => {
  let out = ""
  for (const char of text.toWellFormed()) {
    const code = char.codePointAt(0)!
    if (isSafe(code)) out += char
    else for (const byte of utf8Encoder.encode(char)) out += hex(byte)
  }
  return out
}

/**
 * Parses `key=value,key=value`: entries are trimmed then percent-decoded, empty entries
 * and entries without `=` or with an empty key are skipped, and a repeated key keeps its
 * last value (at the position of its first appearance). Never fails.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Entries => {
  const out = new Map<string, string>()
  for (const entry of text.split(",")) {
    const eq = entry.indexOf("=")
    // Splitting on the first `=` only keeps an unescaped `=` inside a value (Go gt) intact.
    if (eq < 0) continue
    const key = decode(entry.slice(0, eq).trim())
    if (key === "") continue
    out.set(key, decode(entry.slice(eq + 1).trim()))
  }
  return [...out]
}

/**
 * Builds `key=value,key=value` with keys and values percent-encoded, so that
 * `parse(build(entries))` gives `entries` back for any well-formed keys and values
 * (keys non-empty and unique).
 *
 * @since 0.1.0
 * @category parsing
 */
export const build = (entries: Iterable<readonly [string, string]>): string =>
  Array.from(entries, ([key, value]) => `${encode(key)}=${encode(value)}`).join(",")

/**
 * Merges `labels` into an existing `OTEL_RESOURCE_ATTRIBUTES` value: attributes already there are kept, and a
 * key present in both takes the value from `labels`, because they are the caller's current context (the
 * innermost labels win, docs/contract.md#resource-and-correlation-labels). The result is re-encoded.
 *
 * @since 0.1.0
 * @category parsing
 */
export const merge = (existing: string | undefined, labels: Readonly<Record<string, string>>): string => {
  const entries = new Map(existing === undefined ? [] : parse(existing))
  for (const [key, value] of Object.entries(labels)) entries.set(key, value)
  return build(entries)
}
