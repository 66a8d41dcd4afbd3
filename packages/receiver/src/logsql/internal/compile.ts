// Filters compiled once into predicates over rows. A missing field reads as "" (VictoriaLogs'
// rule), `_stream` filters are decided once per distinct stream, and the children of an AND are
// tried cheapest first (the result does not depend on the order).
import type * as Ast from "../Ast.ts"
import type { Row } from "../Engine.ts"
import { parseNumber } from "./number.ts"
import { readQuoted } from "./quote.ts"
import * as Regex from "./regex.ts"
import * as Time from "./time.ts"
import { phraseMatcher, prefixMatcher } from "./words.ts"

export type Predicate = (row: Row) => boolean

const value = (row: Row, field: string): string => row.fields[field] ?? ""

const always: Predicate = () => true

/** The tags of a `_stream` value `{a="x",b="y"}`; `undefined` when it is not one. */
export const parseStream = (stream: string): Map<string, string> | undefined => {
  if (!stream.startsWith("{") || !stream.endsWith("}")) return undefined
  const tags = new Map<string, string>()
  let i = 1
  const end = stream.length - 1
  while (i < end) {
    const eq = stream.indexOf("=", i)
    if (eq < 0 || eq >= end) return undefined
    const q = readQuoted(stream, eq + 1)
    if (q === undefined || stream[eq + 1] !== '"') return undefined
    tags.set(stream.slice(i, eq), q.text)
    i = q.end
    if (i < end) {
      if (stream[i] !== ",") return undefined
      i++
    }
  }
  return tags
}

const regex = (pattern: string, anchored: boolean): RegExp => {
  const compiled = anchored ? Regex.compileAnchored(pattern) : Regex.compile(pattern)
  // The parser has already rejected what does not compile.
  if (compiled._tag !== "Ok") throw new Error(`BUG: regexp ${pattern} passed the parser: ${compiled.detail}`)
  return compiled.regex
}

const tagMatcher = (tag: Ast.StreamTagFilter): ((tags: Map<string, string>) => boolean) => {
  switch (tag.op) {
    case "=":
      return (tags) => (tags.get(tag.name) ?? "") === tag.value
    case "!=":
      return (tags) => (tags.get(tag.name) ?? "") !== tag.value
    case "=~": {
      const re = regex(tag.value, true)
      return (tags) => re.test(tags.get(tag.name) ?? "")
    }
    case "!~": {
      const re = regex(tag.value, true)
      return (tags) => !re.test(tags.get(tag.name) ?? "")
    }
  }
}

/** Whether a `_stream` value satisfies a stream filter. */
export const streamMatcher = (filter: Extract<Ast.Filter, { _tag: "Stream" }>): ((stream: string) => boolean) => {
  const alternatives = filter.anyOf.map((tags) => tags.map(tagMatcher))
  return (stream) => {
    const tags = parseStream(stream)
    return tags !== undefined && alternatives.some((all) => all.every((m) => m(tags)))
  }
}

const cost = (f: Ast.Filter): number => {
  switch (f._tag) {
    case "Any":
    case "Exact":
    case "ExactPrefix":
    case "In":
    case "Time":
      return 1
    case "Phrase":
    case "Prefix":
    case "Stream":
      return 2
    case "Range":
      return 3
    case "Regexp":
      return 4
    case "Not":
      return cost(f.filter)
    case "And":
    case "Or":
      return f.filters.reduce((sum, g) => sum + cost(g), 0)
  }
}

const rowTime = (row: Row): bigint | undefined => row.timeNs ?? Time.parseRfc3339(value(row, "_time"))

export const compile = (f: Ast.Filter): Predicate => {
  switch (f._tag) {
    case "Any":
      return always
    case "Phrase": {
      if (!f.anyCase) {
        const m = phraseMatcher(f.phrase)
        return (row) => m(value(row, f.field))
      }
      const m = phraseMatcher(f.phrase.toLowerCase())
      return (row) => m(value(row, f.field).toLowerCase())
    }
    case "Prefix": {
      if (!f.anyCase) {
        const m = prefixMatcher(f.prefix)
        return (row) => m(value(row, f.field))
      }
      const m = prefixMatcher(f.prefix.toLowerCase())
      return (row) => m(value(row, f.field).toLowerCase())
    }
    case "Exact":
      return (row) => value(row, f.field) === f.value
    case "ExactPrefix":
      return (row) => value(row, f.field).startsWith(f.prefix)
    case "In": {
      const values = new Set(f.values)
      return (row) => values.has(value(row, f.field))
    }
    case "Regexp": {
      const re = regex(f.pattern, false)
      return (row) => re.test(value(row, f.field))
    }
    case "Range":
      return (row) => {
        const n = parseNumber(value(row, f.field))
        return n !== undefined && n >= f.min && n <= f.max
      }
    case "Time":
      return (row) => {
        const t = rowTime(row)
        return t !== undefined && t >= f.startNs && t <= f.endNs
      }
    case "Stream": {
      const m = streamMatcher(f)
      const seen = new Map<string, boolean>()
      return (row) => {
        const stream = value(row, "_stream")
        let ok = seen.get(stream)
        if (ok === undefined) {
          ok = m(stream)
          seen.set(stream, ok)
        }
        return ok
      }
    }
    case "Not": {
      const inner = compile(f.filter)
      return (row) => !inner(row)
    }
    case "And": {
      const parts = f.filters
        .map((g, i) => ({ g, i }))
        .toSorted((a, b) => cost(a.g) - cost(b.g) || a.i - b.i)
        .map(({ g }) => compile(g))
      if (parts.length === 2) {
        const [a, b] = parts as [Predicate, Predicate]
        return (row) => a(row) && b(row)
      }
      return (row) => {
        for (const p of parts) if (!p(row)) return false
        return true
      }
    }
    case "Or": {
      const parts = f.filters.map(compile)
      return (row) => {
        for (const p of parts) if (p(row)) return true
        return false
      }
    }
  }
}
