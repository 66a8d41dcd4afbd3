// Go string literals, as LogsQL reads them (it unquotes with Go's strconv): "double quoted"
// with Go escapes, `raw` between backquotes, 'single quoted' with the same escapes.

const simpleEscapes: { readonly [c: string]: number } = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 92
}

const hexValue = (s: string, from: number, count: number): number | undefined => {
  const digits = s.slice(from, from + count)
  return digits.length === count && /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : undefined
}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/**
 * Reads a quoted literal at `from` (which holds the opening quote). Returns the unquoted text and
 * the index after the closing quote, or `undefined` when it is not a well-formed literal.
 */
export const readQuoted = (s: string, from: number): { readonly text: string; readonly end: number } | undefined => {
  const quote = s[from]
  if (quote === "`") {
    const close = s.indexOf("`", from + 1)
    return close < 0 ? undefined : { text: s.slice(from + 1, close).replaceAll("\r", ""), end: close + 1 }
  }
  if (quote !== '"' && quote !== "'") return undefined
  // Escapes like \xff produce bytes, so the text is assembled as UTF-8 bytes.
  const bytes: Array<number> = []
  let i = from + 1
  while (i < s.length) {
    const c = s[i]!
    if (c === quote) return { text: fromUtf8.decode(new Uint8Array(bytes)), end: i + 1 }
    if (c === "\n") return undefined
    if (c !== "\\") {
      const cp = s.codePointAt(i)!
      for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b)
      i += cp > 0xffff ? 2 : 1
      continue
    }
    const e = s[i + 1]
    if (e === undefined) return undefined
    const simple = simpleEscapes[e]
    if (simple !== undefined) {
      bytes.push(simple)
      i += 2
    } else if (e === quote) {
      bytes.push(quote.charCodeAt(0))
      i += 2
    } else if (e === "x") {
      const v = hexValue(s, i + 2, 2)
      if (v === undefined) return undefined
      bytes.push(v)
      i += 4
    } else if (e === "u" || e === "U") {
      const count = e === "u" ? 4 : 8
      const v = hexValue(s, i + 2, count)
      if (v === undefined || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined
      for (const b of utf8.encode(String.fromCodePoint(v))) bytes.push(b)
      i += 2 + count
    } else if (e >= "0" && e <= "7") {
      const digits = s.slice(i + 1, i + 4)
      if (!/^[0-7]{3}$/.test(digits)) return undefined
      const v = parseInt(digits, 8)
      if (v > 255) return undefined
      bytes.push(v)
      i += 4
    } else {
      return undefined
    }
  }
  return undefined
}

/** Quotes as Go's strconv.Quote does for printable text (JSON's escapes agree on those). */
export const quote = (s: string): string => JSON.stringify(s)
