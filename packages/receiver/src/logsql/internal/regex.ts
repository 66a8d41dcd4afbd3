// LogsQL regexps are Go RE2, matched unanchored (lib/logstorage/filter_regexp.go). This turns
// RE2 syntax into an equivalent JavaScript RegExp (with the `u` flag, so `.` is one code point
// like a Go rune): `.` excludes only `\n` as in Go, `\s` is Go's ASCII class, `\A`/`\z` and
// `\Q…\E` are rewritten, POSIX classes expanded, and what RE2 rejects (lookaround,
// backreferences) is rejected here too.

export type Compiled =
  | { readonly _tag: "Ok"; readonly regex: RegExp }
  | { readonly _tag: "Invalid" | "Unsupported"; readonly detail: string }

const posixClasses: { readonly [name: string]: string } = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\x2F:-@\\x5B-`\\x7B-~",
  space: "\\t\\n\\x0B\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f"
}

const goSpace = "\\t\\n\\f\\r "
const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`
const isAsciiPunct = (c: string) => /^[!-/:-@[-`{-~]$/.test(c)
const quantifier = /^\{\d+(,\d*)?\}/

export const compile = (pattern: string): Compiled => {
  let flags = "u"
  let i = 0
  // Leading `(?flags)` apply to the whole pattern; JavaScript has no mid-pattern form.
  const leading = /^\(\?([a-zA-Z]+)\)/
  let dotAll = false
  for (let m = leading.exec(pattern); m !== null; m = leading.exec(pattern.slice(i))) {
    for (const f of m[1]!) {
      if (f === "i" || f === "m") {
        if (!flags.includes(f)) flags += f
      } else if (f === "s") dotAll = true
      else return { _tag: "Unsupported", detail: `regexp flag (?${f}) is not supported` }
    }
    i += m[0].length
  }
  // Whether `.` matches `\n`, per open group (`(?s:…)` turns it on inside).
  const dotAllStack: Array<boolean> = []
  let out = ""
  let inClass = false
  let classStart = false
  while (i < pattern.length) {
    const c = pattern[i]!
    const atClassStart = classStart
    classStart = false
    if (c === "\\") {
      const e = pattern[i + 1]
      if (e === undefined) return { _tag: "Invalid", detail: "trailing backslash" }
      if (e === "Q") {
        const end = pattern.indexOf("\\E", i + 2)
        const literal = end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end)
        for (const ch of literal) out += isAsciiPunct(ch) ? hex(ch) : ch
        i = end < 0 ? pattern.length : end + 2
        continue
      }
      if (e >= "1" && e <= "9") return { _tag: "Invalid", detail: "backreferences are not RE2 syntax" }
      if (e === "A" || e === "z") {
        if (inClass) return { _tag: "Invalid", detail: `\\${e} inside a character class` }
        out += e === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])"
      } else if (e === "s" || e === "S") {
        if (inClass && e === "S") return { _tag: "Unsupported", detail: "\\S inside a character class" }
        out += inClass ? goSpace : e === "s" ? `[${goSpace}]` : `[^${goSpace}]`
      } else if (e === "p" || e === "P") {
        if (pattern[i + 2] === "{") {
          const close = pattern.indexOf("}", i + 2)
          if (close < 0) return { _tag: "Invalid", detail: "unclosed \\p{" }
          out += pattern.slice(i, close + 1)
          i = close + 1
          continue
        }
        const name = pattern[i + 2]
        if (name === undefined) return { _tag: "Invalid", detail: "incomplete \\p" }
        out += `\\${e}{${name}}`
        i += 3
        continue
      } else if (e === "x" && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i + 2)
        if (close < 0) return { _tag: "Invalid", detail: "unclosed \\x{" }
        out += `\\u{${pattern.slice(i + 3, close)}}`
        i = close + 1
        continue
      } else if (isAsciiPunct(e)) {
        out += hex(e)
      } else {
        out += c + e
      }
      i += 2
      continue
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const close = pattern.indexOf(":]", i + 2)
        const name = close < 0 ? undefined : pattern.slice(i + 2, close)
        if (name === undefined) return { _tag: "Invalid", detail: "unclosed [:class:]" }
        if (name.startsWith("^")) return { _tag: "Unsupported", detail: `negated class [:${name}:]` }
        const expansion = posixClasses[name]
        if (expansion === undefined) return { _tag: "Invalid", detail: `unknown class [:${name}:]` }
        out += expansion
        i = close + 2
        continue
      }
      if (c === "]" && !atClassStart) inClass = false
      out += c === "]" && atClassStart ? "\\]" : c === "[" ? "\\[" : c
      i++
      continue
    }
    switch (c) {
      case "[": {
        inClass = true
        out += "["
        i++
        if (pattern[i] === "^") {
          out += "^"
          i++
        }
        classStart = true
        continue
      }
      case "(": {
        const rest = pattern.slice(i)
        if (/^\(\?(=|!|<=|<!)/.test(rest)) return { _tag: "Invalid", detail: "lookaround is not RE2 syntax" }
        const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest)
        const modifiers = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest)
        const current = dotAllStack.length === 0 ? dotAll : dotAllStack[dotAllStack.length - 1]!
        if (named !== null) {
          out += `(?<${named[1]}>`
          i += named[0].length
          dotAllStack.push(current)
        } else if (modifiers !== null) {
          const on = modifiers[1] ?? ""
          const off = modifiers[2] ?? ""
          if (/[^ims]/.test(on + off)) return { _tag: "Unsupported", detail: `regexp flags in ${modifiers[0]}` }
          const keep = (s: string) => s.replaceAll("s", "")
          const js = keep(on) + (keep(off) === "" ? "" : `-${keep(off)}`)
          out += js === "" ? "(?:" : `(?${js}:`
          i += modifiers[0].length
          dotAllStack.push(on.includes("s") ? true : off.includes("s") ? false : current)
        } else if (rest.startsWith("(?")) {
          return { _tag: "Unsupported", detail: `group syntax ${rest.slice(0, 4)}` }
        } else {
          out += "("
          i++
          dotAllStack.push(current)
        }
        continue
      }
      case ")":
        dotAllStack.pop()
        out += ")"
        i++
        continue
      case ".": {
        const current = dotAllStack.length === 0 ? dotAll : dotAllStack[dotAllStack.length - 1]!
        out += current ? "[\\s\\S]" : "[^\\n]"
        i++
        continue
      }
      case "{": {
        // RE2 reads a `{` that does not start a repetition as a literal; `u` mode needs it escaped.
        const q = quantifier.exec(pattern.slice(i))
        if (q !== null) {
          out += q[0]
          i += q[0].length
        } else {
          out += "\\{"
          i++
        }
        continue
      }
      case "}":
      case "]":
        out += `\\${c}`
        i++
        continue
      default:
        out += c
        i++
    }
  }
  if (inClass) return { _tag: "Invalid", detail: "missing closing ]" }
  try {
    return { _tag: "Ok", regex: new RegExp(out, flags) }
  } catch (e) {
    return { _tag: "Invalid", detail: e instanceof Error ? e.message : String(e) }
  }
}

/** Anchored, as stream filters and PromQL use regexps (`=~` must match the whole value). */
export const compileAnchored = (pattern: string): Compiled => {
  const flags = /^(?:\(\?[a-zA-Z]+\))*/.exec(pattern)![0]
  return compile(`${flags}^(?:${pattern.slice(flags.length)})$`)
}
