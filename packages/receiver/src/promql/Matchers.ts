/**
 * Label matching as PromQL and VictoriaMetrics define it: a missing label reads as the
 * empty string (`{a=""}` selects series without `a`, `{a=~".*"}` selects all), and
 * regular expressions match the whole value (`=~"mol"` does not match `mol2`). Patterns use
 * the RE2 syntax of Go; the common subset, with a leading `(?i)`/`(?s)` flag group, is
 * translated to JavaScript.
 *
 * @since 0.1.0
 */
import type { Labels, Matcher } from "../metrics/Series.ts"
import { badParameter } from "./PromqlError.ts"

const cache = new Map<string, RegExp>()

/**
 * Compiles an RE2 pattern anchored at both ends, as label matchers and `label_replace` use
 * it. Throws a `PromqlError` naming the pattern when it cannot be compiled.
 *
 * @since 0.1.0
 * @category regex
 */
export const anchoredRegex = (pattern: string): RegExp => {
  const cached = cache.get(pattern)
  if (cached !== undefined) return cached
  let body = pattern
  let flags = ""
  const leading = /^\(\?([is]+)\)/.exec(body)
  if (leading !== null) {
    if (leading[1]!.includes("i")) flags += "i"
    if (leading[1]!.includes("s")) flags += "s"
    body = body.slice(leading[0].length)
  }
  // RE2's \z is JavaScript's end of input; named groups spell (?P<name>...) in RE2.
  body = body.replace(/\\z/g, "$").replace(/\(\?P</g, "(?<")
  let re: RegExp
  try {
    re = new RegExp(`^(?:${body})$`, flags)
  } catch (e) {
    throw badParameter(`cannot parse regexp ${JSON.stringify(pattern)}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (cache.size > 10_000) cache.clear()
  cache.set(pattern, re)
  return re
}

/**
 * A predicate over labels for one matcher.
 *
 * @since 0.1.0
 * @category matching
 */
export const compile = (matcher: Matcher): ((labels: Labels) => boolean) => {
  const { name, op, value } = matcher
  const read = (labels: Labels) => (Object.hasOwn(labels, name) ? labels[name]! : "")
  switch (op) {
    case "=":
      return (labels) => read(labels) === value
    case "!=":
      return (labels) => read(labels) !== value
    case "=~": {
      const re = anchoredRegex(value)
      return (labels) => re.test(read(labels))
    }
    case "!~": {
      const re = anchoredRegex(value)
      return (labels) => !re.test(read(labels))
    }
  }
}

/**
 * A predicate that holds when every matcher matches.
 *
 * @since 0.1.0
 * @category matching
 */
export const compileAll = (matchers: ReadonlyArray<Matcher>): ((labels: Labels) => boolean) => {
  const predicates = matchers.map(compile)
  return (labels) => predicates.every((p) => p(labels))
}

/**
 * Whether `labels` match every matcher.
 *
 * @since 0.1.0
 * @category matching
 */
export const matches = (matchers: ReadonlyArray<Matcher>, labels: Labels): boolean => compileAll(matchers)(labels)
