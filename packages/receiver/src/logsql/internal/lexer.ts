// LogsQL tokens as VictoriaLogs' lexer cuts them (lib/logstorage/parser.go): runs of word
// characters and dots (`gt.rig`, `5m`), quoted strings (unquoted, remembering they were quoted),
// `=~`, `!~`, `!=`, and single characters otherwise. Whitespace and `#` comments separate
// tokens; whether whitespace preceded a token matters (`foo*` is a prefix, `foo *` two filters).
import { readQuoted } from "./quote.ts"
import { isWordCodePoint } from "./words.ts"

export interface Lexer {
  /** The current token, unquoted; "" at the end. */
  readonly token: () => string
  /** The current token as written. */
  readonly raw: () => string
  readonly quoted: () => boolean
  readonly spaceBefore: () => boolean
  /** Where the current token starts in the input. */
  readonly position: () => number
  readonly prevToken: () => string
  readonly isEnd: () => boolean
  /** The current token is one of `keywords` (case-insensitive, never a quoted string). */
  readonly is: (...keywords: ReadonlyArray<string>) => boolean
  readonly next: () => void
  readonly save: () => unknown
  readonly restore: (state: unknown) => void
  readonly input: string
}

const space = /\s/

export const make = (input: string): Lexer => {
  let pos = 0
  let token = ""
  let raw = ""
  let prev = ""
  let skipped = false
  let start = 0

  const single = (at: number, size: number) => {
    token = raw = input.slice(at, at + size)
    pos = at + size
  }

  const next = () => {
    prev = token
    token = raw = ""
    skipped = false
    for (;;) {
      while (pos < input.length && space.test(input[pos]!)) {
        skipped = true
        pos++
      }
      if (input[pos] !== "#") break
      const newline = input.indexOf("\n", pos)
      pos = newline < 0 ? input.length : newline + 1
    }
    start = pos
    if (pos >= input.length) return
    let end = pos
    while (end < input.length) {
      const cp = input.codePointAt(end)!
      if (!isWordCodePoint(cp) && cp !== 0x2e) break
      end += cp > 0xffff ? 2 : 1
    }
    if (end > pos) return single(pos, end - pos)
    const c = input[pos]!
    if (c === '"' || c === "`" || c === "'") {
      const q = readQuoted(input, pos)
      if (q === undefined) return single(pos, 1)
      token = q.text
      raw = input.slice(pos, q.end)
      pos = q.end
      return
    }
    if (c === "=") return single(pos, input[pos + 1] === "~" ? 2 : 1)
    if (c === "!") return single(pos, input[pos + 1] === "~" || input[pos + 1] === "=" ? 2 : 1)
    return single(pos, input.codePointAt(pos)! > 0xffff ? 2 : 1)
  }

  next()
  return {
    input,
    token: () => token,
    raw: () => raw,
    quoted: () => token !== raw,
    spaceBefore: () => skipped,
    position: () => start,
    prevToken: () => prev,
    isEnd: () => pos >= input.length && token === "" && raw === "",
    is: (...keywords) => {
      if (token !== raw) return false
      const lower = token.toLowerCase()
      return keywords.includes(lower)
    },
    next,
    save: () => [pos, token, raw, prev, skipped, start],
    restore: (state) => {
      ;[pos, token, raw, prev, skipped, start] = state as [number, string, string, string, boolean, number]
    }
  }
}
