/**
 * The LogsQL parser: text to {@link Ast.Query}, following VictoriaLogs' grammar
 * (lib/logstorage/parser.go) for the part of LogsQL this receiver supports. Anything else is a
 * {@link LogsQLError}: `Syntax` where VictoriaLogs would reject the text too, `Unsupported` where
 * it is LogsQL this receiver does not implement.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type * as Ast from "./Ast.ts"
import * as Lexer from "./internal/lexer.ts"
import { parseNumber } from "./internal/number.ts"
import * as Regex from "./internal/regex.ts"
import * as Time from "./internal/time.ts"
import { LogsQLError } from "./LogsQLError.ts"

/**
 * What parsing needs besides the text: the instant relative times (`_time:5m`) count back from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly nowNs: bigint
}

const minTime = -(2n ** 63n) + 1n
const maxTime = 2n ** 63n - 1n

/**
 * Bounds of the time axis, used for open-ended `_time` filters and missing `start`/`end`.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeBounds = { minNs: minTime, maxNs: maxTime } as const

const statsNames = [
  "avg",
  "count",
  "count_empty",
  "count_uniq",
  "count_uniq_hash",
  "histogram",
  "json_values",
  "max",
  "median",
  "min",
  "quantile",
  "rate",
  "rate_sum",
  "row_any",
  "row_max",
  "row_min",
  "sum",
  "sum_len",
  "uniq_values",
  "values"
]
const supportedStats = new Set<Ast.StatsFunc["fn"]>(["count", "count_uniq", "sum", "min", "max", "avg"])

const pipeNames = new Set([
  "block_stats",
  "blocks_count",
  "collapse_nums",
  "copy",
  "cp",
  "decolorize",
  "delete",
  "del",
  "rm",
  "drop",
  "drop_empty_fields",
  "extract",
  "extract_regexp",
  "facets",
  "field_names",
  "field_values",
  "fields",
  "keep",
  "filter",
  "where",
  "first",
  "format",
  "join",
  "json_array_len",
  "hash",
  "last",
  "len",
  "limit",
  "head",
  "math",
  "eval",
  "offset",
  "skip",
  "pack_json",
  "pack_logfmt",
  "rename",
  "mv",
  "replace",
  "replace_regexp",
  "sample",
  "sort",
  "order",
  "stats",
  "stats_remote",
  "by",
  "stream_context",
  "top",
  "union",
  "uniq",
  "unpack_json",
  "unpack_logfmt",
  "unpack_syslog",
  "unpack_words",
  "unroll",
  ...statsNames
])

// Filter functions VictoriaLogs has and this receiver does not; without `(` they are plain words.
const unsupportedFunctions = [
  "contains_all",
  "contains_any",
  "eq_field",
  "ipv4_range",
  "le_field",
  "len_range",
  "lt_field",
  "range",
  "seq",
  "string_range",
  "value_type"
]

const reservedWords = new Set([
  "",
  "and",
  "or",
  "not",
  "!",
  "(",
  ")",
  "{",
  "}",
  "=",
  "!=",
  "=~",
  "!~",
  ",",
  "|",
  ":",
  "*",
  "[",
  "]",
  "now",
  "offset",
  "-",
  ...unsupportedFunctions,
  "exact",
  "i",
  "in",
  "re",
  "options"
])

/**
 * Quotes a field name the way VictoriaLogs prints it in default stats result names
 * (`count(*)`, `sum(duration_ms)`, `count_uniq("my field")`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const quoteName = (name: string): string => {
  if (name.endsWith("*") && (name === "*" || !needsQuote(name.slice(0, -1)))) return name
  return needsQuote(name) ? JSON.stringify(name) : name
}

const needsQuote = (s: string): boolean =>
  reservedWords.has(s.toLowerCase()) || pipeNames.has(s.toLowerCase()) || !/^[\p{L}\p{Nd}_.]*$/u.test(s)

/** Escapes regexp metacharacters as Go's regexp.QuoteMeta does. */
const quoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")

const canonical = (field: string): string => (field === "" ? "_msg" : field)

const nextUp = (x: number): number => step(x, 1)
const nextDown = (x: number): number => step(x, -1)
const step = (x: number, direction: 1 | -1): number => {
  if (!Number.isFinite(x)) return x
  if (x === 0) return direction * Number.MIN_VALUE
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigInt64(0)
  view.setBigInt64(0, x > 0 === direction > 0 ? bits + 1n : bits - 1n)
  return view.getFloat64(0)
}

type Parser = ReturnType<typeof makeParser>

const makeParser = (lex: Lexer.Lexer, nowNs: bigint) => {
  const fail = (reason: "Syntax" | "Unsupported", detail: string, position = lex.position()): never => {
    throw new LogsQLError({ reason, input: lex.input, position, detail })
  }
  const describe = () => (lex.isEnd() ? "the end of the query" : `"${lex.raw()}"`)
  const expect = (keyword: string, what: string) => {
    if (!lex.is(keyword)) fail("Syntax", `expected ${what}, found ${describe()}`)
    lex.next()
  }
  const mustNext = (what: string) => {
    lex.next()
    if (lex.isEnd()) fail("Syntax", `missing ${what}`)
  }

  const checkQuoted = () => {
    if (!lex.quoted() && (lex.token() === '"' || lex.token() === "'" || lex.token() === "`")) {
      fail("Syntax", `unterminated or malformed quoted string starting with ${lex.token()}`)
    }
  }

  const compoundSuffix = (stops: ReadonlyArray<string>): string => {
    let suffix = ""
    while (!lex.spaceBefore() && !lex.is(...stops) && !lex.isEnd()) {
      suffix += lex.raw()
      lex.next()
    }
    return suffix
  }

  const phraseStops = ["*", ",", "(", ")", "[", "]", "|", ""]
  const tokenStops = [",", "(", ")", "[", "]", "|", ""]

  const compoundPhrase = (allowColon: boolean): string => {
    checkQuoted()
    if (lex.is(...phraseStops)) fail("Syntax", `a filter cannot start with ${describe()}`)
    const text = lex.token()
    const raw = lex.raw()
    lex.next()
    const suffix = compoundSuffix(allowColon ? phraseStops : [...phraseStops, ":"])
    return suffix === "" ? text : raw + suffix
  }

  const compoundToken = (stops: ReadonlyArray<string> = tokenStops): string => {
    checkQuoted()
    if (lex.is(...stops)) fail("Syntax", `expected a value, found ${describe()}`)
    const text = lex.token()
    const raw = lex.raw()
    lex.next()
    const suffix = compoundSuffix(stops)
    return suffix === "" ? text : raw + suffix
  }

  const funcArg = (): string => {
    if (lex.is("*")) return ""
    const text = lex.token()
    const raw = lex.raw()
    lex.next()
    const suffix = compoundSuffix(["*", ",", "(", ")", "|", ""])
    return suffix === "" ? text : raw + suffix
  }

  const argsInParens = (): Array<string> => {
    expect("(", "(")
    const args: Array<string> = []
    while (!lex.is(")")) {
      if (lex.is(",", "(")) fail("Syntax", `unexpected ${describe()} inside ()`)
      let arg = funcArg()
      if (arg === "" && lex.is("*")) {
        lex.next()
        arg = "*"
      }
      args.push(arg)
      if (lex.is(")")) break
      if (!lex.is(",")) fail("Syntax", `missing ',' after ${JSON.stringify(arg)} inside ()`)
      mustNext("the next argument inside ()")
    }
    lex.next()
    return args
  }

  const phraseFilter = (field: string, phrase: string): Ast.Filter => ({
    _tag: "Phrase",
    field: canonical(field),
    phrase,
    anyCase: false
  })
  const prefixFilter = (field: string, prefix: string): Ast.Filter => ({
    _tag: "Prefix",
    field: canonical(field),
    prefix,
    anyCase: false
  })

  const regexpFilter = (field: string, pattern: string, position: number): Ast.Filter => {
    // VictoriaLogs' shortcuts for what Grafana generates.
    if (pattern === "" || pattern === ".*") return { _tag: "Any" }
    if (pattern === ".+") return prefixFilter(field, "")
    const compiled = Regex.compile(pattern)
    if (compiled._tag !== "Ok") {
      fail(
        compiled._tag === "Invalid" ? "Syntax" : "Unsupported",
        `regexp ${JSON.stringify(pattern)}: ${compiled.detail}`,
        position
      )
    }
    return { _tag: "Regexp", field: canonical(field), pattern }
  }

  // `name(…)` where `name` may also be a plain word: without `(` it is read as a phrase.
  const funcOrPhrase = (field: string, withArgs: () => Ast.Filter): Ast.Filter => {
    const name = lex.token()
    const state = lex.save()
    lex.next()
    if (lex.is("(")) {
      lex.restore(state)
      return withArgs()
    }
    return phraseOrField(name + compoundSuffix(field !== "" ? phraseStops : [...phraseStops, ":"]), field)
  }

  // `exact(…)` and `i(…)`: one argument, a trailing `*` makes it a prefix.
  const funcArgMaybePrefix = (field: string, make: (arg: string, isPrefix: boolean) => Ast.Filter): Ast.Filter =>
    funcOrPhrase(field, () => {
      const fn = lex.token()
      lex.next()
      mustNext(`an argument for ${fn}()`)
      const arg = funcArg()
      let isPrefix = false
      if (lex.is("*") && !lex.spaceBefore()) {
        isPrefix = true
        lex.next()
      }
      expect(")", `')' after the argument of ${fn}()`)
      return make(arg, isPrefix)
    })

  const phraseOrField = (phrase: string, field: string): Ast.Filter => {
    if (field !== "" || !lex.is(":")) {
      if (lex.is("*") && !lex.spaceBefore()) {
        lex.next()
        if (lex.is(":")) fail("Syntax", `field name prefix filter ${phrase}* is not LogsQL`)
        return prefixFilter(field, phrase)
      }
      return phraseFilter(field, phrase)
    }
    const name = phrase
    mustNext(`a filter after field name ${name}`)
    switch (name) {
      case "_time":
        return timeFilter()
      case "_stream_id":
        return streamIdFilter()
      case "_stream":
        return streamFilter()
      default:
        return generic(name)
    }
  }

  const not = (field: string): Ast.Filter => {
    const keyword = lex.token()
    mustNext(`a filter after '${keyword}'`)
    const inner = generic(field)
    return inner._tag === "Not" ? inner.filter : { _tag: "Not", filter: inner }
  }

  const exactFilter = (field: string): Ast.Filter => {
    lex.next()
    const value = funcArg()
    if (lex.is("*") && !lex.spaceBefore()) {
      lex.next()
      return { _tag: "ExactPrefix", field: canonical(field), prefix: value }
    }
    return { _tag: "Exact", field: canonical(field), value }
  }

  const comparison = (field: string, greater: boolean): Ast.Filter => {
    const position = lex.position()
    lex.next()
    let inclusive = false
    if (lex.is("=")) {
      lex.next()
      inclusive = true
    }
    const text = compoundToken()
    const n = parseNumber(text)
    if (n === undefined) {
      return fail("Unsupported", `comparing ${canonical(field)} with the non-number ${JSON.stringify(text)}`, position)
    }
    return greater
      ? { _tag: "Range", field: canonical(field), min: inclusive ? n : nextUp(n), max: Infinity }
      : { _tag: "Range", field: canonical(field), min: -Infinity, max: inclusive ? n : nextDown(n) }
  }

  const generic = (field: string): Ast.Filter => {
    if (lex.is("{")) {
      if (field !== "" && field !== "_stream") fail("Syntax", `a stream filter cannot apply to field ${field}`)
      return streamFilter()
    }
    if (lex.is(":")) {
      mustNext("a filter after ':'")
      return generic(field)
    }
    if (lex.is("*")) {
      lex.next()
      if (lex.is(":")) fail("Syntax", "a field name cannot be a wildcard")
      return prefixFilter(field, "")
    }
    if (lex.is("(")) {
      if (!lex.spaceBefore() && !["", ":", "(", "!", "-", "not"].includes(lex.prevToken())) {
        fail("Syntax", `missing whitespace after the word ${JSON.stringify(lex.prevToken())}`)
      }
      mustNext("a filter after '('")
      const inner = or(field)
      expect(")", "')'")
      return inner
    }
    if (lex.is(">")) return comparison(field, true)
    if (lex.is("<")) return comparison(field, false)
    if (lex.is("=")) return exactFilter(field)
    if (lex.is("!=")) return { _tag: "Not", filter: exactFilter(field) }
    if (lex.is("~", "!~")) {
      const negate = lex.is("!~")
      lex.next()
      const position = lex.position()
      const f = regexpFilter(field, compoundToken(), position)
      return negate ? { _tag: "Not", filter: f } : f
    }
    if (lex.is("not", "!", "-")) return not(field)
    if (lex.is(...unsupportedFunctions)) {
      const fn = lex.token()
      return funcOrPhrase(field, () => fail("Unsupported", `filter function ${fn}()`))
    }
    if (lex.is("exact")) {
      return funcArgMaybePrefix(field, (arg, isPrefix) =>
        isPrefix
          ? { _tag: "ExactPrefix", field: canonical(field), prefix: arg }
          : { _tag: "Exact", field: canonical(field), value: arg }
      )
    }
    if (lex.is("i")) {
      return funcArgMaybePrefix(field, (arg, isPrefix) =>
        isPrefix
          ? { _tag: "Prefix", field: canonical(field), prefix: arg, anyCase: true }
          : { _tag: "Phrase", field: canonical(field), phrase: arg, anyCase: true }
      )
    }
    if (lex.is("in")) return inFilter(field)
    if (lex.is("re")) {
      return funcOrPhrase(field, () => {
        lex.next()
        const position = lex.position()
        const args = argsInParens()
        if (args.length !== 1) fail("Syntax", `re() takes one argument, got ${args.length}`, position)
        return regexpFilter(field, args[0]!, position)
      })
    }
    if (lex.is(",", ")", "[", "]")) fail("Syntax", `unexpected ${describe()}`)
    return phraseOrField(compoundPhrase(field !== ""), field)
  }

  const inFilter = (field: string): Ast.Filter =>
    funcOrPhrase(field, () => {
      lex.next()
      const position = lex.position()
      let values: Array<string>
      try {
        values = argsInParens()
      } catch (e) {
        return fail("Unsupported", `in() with a subquery, or malformed in(): ${(e as LogsQLError).detail}`, position)
      }
      if (values.length === 1 && values[0] === "*") return { _tag: "Any" }
      return { _tag: "In", field: canonical(field), values }
    })

  const and = (field: string): Ast.Filter => {
    const filters: Array<Ast.Filter> = []
    for (;;) {
      filters.push(generic(field))
      if (lex.is("or", "|", ")", "")) return filters.length === 1 ? filters[0]! : { _tag: "And", filters }
      if (lex.is("and")) mustNext("a filter after 'and'")
    }
  }

  const or = (field: string): Ast.Filter => {
    const filters: Array<Ast.Filter> = []
    for (;;) {
      filters.push(and(field))
      if (lex.is("|", ")", "")) return filters.length === 1 ? filters[0]! : { _tag: "Or", filters }
      if (lex.is("or")) mustNext("a filter after 'or'")
    }
  }

  const filter = (): Ast.Filter => {
    if (lex.is("|", ")", "")) fail("Syntax", "missing filter")
    const first = lex.raw().toLowerCase()
    if (pipeNames.has(first)) {
      fail("Syntax", `a filter cannot start with the pipe keyword ${first}; quote it to search for the word`)
    }
    return or("")
  }

  // _time filters.
  const startsWithYear = (s: string) => /^\d{4}(?:$|[-+Zz])/.test(s)
  const isTimestamp = () => lex.is("now") || startsWithYear(lex.token())

  const timeArg = (): { readonly ns: bigint; readonly text: string } => {
    const position = lex.position()
    const text = compoundToken()
    const ns = Time.parseTime(text, nowNs)
    if (ns === undefined) return fail("Syntax", `cannot parse time ${JSON.stringify(text)}`, position)
    return { ns, text }
  }

  const durationArg = (): bigint => {
    const position = lex.position()
    const text = compoundToken()
    const d = Time.parseDuration(text)
    if (d === undefined) return fail("Syntax", `cannot parse duration ${JSON.stringify(text)}`, position)
    return d < 0n ? -d : d
  }

  const timeFilter = (): Ast.Filter => {
    if (lex.is("day_range", "week_range")) fail("Unsupported", `_time:${lex.token()}`)
    if (lex.is("offset")) {
      lex.next()
      return { _tag: "Time", startNs: minTime, endNs: nowNs - durationArg() }
    }
    const t = timeRange()
    if (!lex.is("offset")) return t
    lex.next()
    const offset = durationArg()
    return { _tag: "Time", startNs: t.startNs - offset, endNs: t.endNs - offset }
  }

  const timeRange = (): { readonly _tag: "Time"; readonly startNs: bigint; readonly endNs: bigint } => {
    if (lex.is(">", "<")) {
      const greater = lex.is(">")
      lex.next()
      let inclusive = false
      if (lex.is("=")) {
        lex.next()
        inclusive = true
      }
      if (isTimestamp()) {
        const t = timeArg()
        return greater
          ? { _tag: "Time", startNs: inclusive ? t.ns : t.ns + 1n, endNs: maxTime }
          : { _tag: "Time", startNs: minTime, endNs: inclusive ? Time.periodEnd(t.ns, t.text) : t.ns - 1n }
      }
      const d = durationArg()
      return greater
        ? { _tag: "Time", startNs: minTime, endNs: nowNs - (inclusive ? d : d + 1n) }
        : { _tag: "Time", startNs: nowNs - (inclusive ? d : d - 1n), endNs: nowNs }
    }
    if (lex.is("[", "(")) {
      const includeStart = lex.is("[")
      lex.next()
      const start = timeArg()
      expect(",", "',' between the start and end of the _time range")
      if (lex.isEnd()) fail("Syntax", "missing end time in the _time range")
      const end = timeArg()
      if (!lex.is("]", ")")) fail("Syntax", `the _time range must end with ']' or ')', found ${describe()}`)
      const includeEnd = lex.is("]")
      lex.next()
      return {
        _tag: "Time",
        startNs: includeStart ? start.ns : start.ns + 1n,
        endNs: includeEnd ? Time.periodEnd(end.ns, end.text) : end.ns - 1n
      }
    }
    if (lex.is("=")) lex.next()
    if (isTimestamp()) {
      const t = timeArg()
      return { _tag: "Time", startNs: t.ns, endNs: Time.periodEnd(t.ns, t.text) }
    }
    return { _tag: "Time", startNs: nowNs - durationArg(), endNs: nowNs }
  }

  const streamIdFilter = (): Ast.Filter => {
    if (lex.is("in")) {
      lex.next()
      return { _tag: "In", field: "_stream_id", values: argsInParens() }
    }
    return { _tag: "Exact", field: "_stream_id", value: compoundToken() }
  }

  const streamFilter = (): Ast.Filter => {
    expect("{", "'{'")
    const anyOf: Array<Array<Ast.StreamTagFilter>> = []
    if (lex.isEnd()) fail("Syntax", "incomplete stream filter after '{'")
    for (;;) {
      anyOf.push(streamAnd())
      if (lex.is("}")) {
        lex.next()
        return { _tag: "Stream", anyOf }
      }
      if (!lex.is("or")) fail("Syntax", `unexpected ${describe()} in a stream filter; expected '}' or 'or'`)
      mustNext("a stream filter after 'or'")
      if (lex.is("}")) fail("Syntax", "unexpected '}' after 'or' in a stream filter")
    }
  }

  const streamAnd = (): Array<Ast.StreamTagFilter> => {
    const tags: Array<Ast.StreamTagFilter> = []
    for (;;) {
      if (lex.is("}")) return tags
      tags.push(streamTag())
      if (lex.is("or", "}")) return tags
      if (!lex.is(",")) fail("Syntax", `unexpected ${describe()} in a stream filter; expected ',', 'or' or '}'`)
      mustNext("a stream filter after ','")
    }
  }

  const streamTag = (): Ast.StreamTagFilter => {
    const name = compoundToken(["=", "!=", "=~", "!~", ",", "{", "}", "'", '"', "`", ""])
    if (!lex.is("=", "!=", "=~", "!~", "in", "not_in")) {
      fail(
        "Syntax",
        `unsupported operation ${describe()} for ${name} in a stream filter; use =, !=, =~, !~, in, not_in`
      )
    }
    const word = lex.token().toLowerCase()
    lex.next()
    const position = lex.position()
    let op: Ast.StreamTagFilter["op"]
    let value: string
    if (word === "in" || word === "not_in") {
      const args = argsInParens()
      op = word === "in" ? "=~" : "!~"
      value = args.length === 1 && args[0] === "*" ? ".*" : args.map(quoteMeta).join("|")
    } else {
      op = word as Ast.StreamTagFilter["op"]
      value = compoundToken([",", "{", "}", "(", "'", '"', "`", ""])
    }
    if (op === "=~" || op === "!~") {
      const compiled = Regex.compileAnchored(value)
      if (compiled._tag !== "Ok") {
        fail(
          compiled._tag === "Invalid" ? "Syntax" : "Unsupported",
          `regexp ${JSON.stringify(value)}: ${compiled.detail}`,
          position
        )
      }
    }
    return { name, op, value }
  }

  // Pipes.
  const count = (what: string, text: string, position: number): number => {
    if (!/^\d[\d_]*$/.test(text)) fail("Syntax", `cannot read ${what} from ${JSON.stringify(text)}`, position)
    return Number(text.replaceAll("_", ""))
  }

  const fieldName = (): string => {
    const position = lex.position()
    const name = canonical(compoundToken())
    if (name.endsWith("*")) fail("Syntax", `a field name cannot end with '*': ${name}`, position)
    return name
  }

  const fieldList = (): Array<string> => {
    const fields = [canonical(compoundToken())]
    while (lex.is(",")) {
      lex.next()
      fields.push(canonical(compoundToken()))
    }
    return fields
  }

  const sortPipe = (): Ast.Pipe => {
    lex.next()
    const by: Array<Ast.SortBy> = []
    if (lex.is("by", "(")) {
      if (lex.is("by")) lex.next()
      if (!lex.is("(")) fail("Syntax", "missing '(' after 'sort by'")
      for (;;) {
        lex.next()
        if (lex.is(")")) break
        const field = fieldName()
        let desc = false
        if (lex.is("desc", "asc")) {
          desc = lex.is("desc")
          lex.next()
        }
        by.push({ field, desc })
        if (lex.is(")")) break
        if (!lex.is(",")) fail("Syntax", `expected ',' or ')' in 'sort by', found ${describe()}`)
      }
      lex.next()
    }
    let desc = false
    if (lex.is("desc", "asc")) {
      desc = lex.is("desc")
      lex.next()
    }
    let offset = 0
    let limit: number | undefined
    for (;;) {
      if (lex.is("offset", "limit")) {
        const which = lex.token().toLowerCase()
        lex.next()
        const n = count(which, lex.token(), lex.position())
        lex.next()
        if (which === "offset") offset = n
        else limit = n
      } else if (lex.is("rank", "partition")) {
        fail("Unsupported", `sort ... ${lex.token()}`)
      } else {
        return { _tag: "Sort", by, desc, offset, limit }
      }
    }
  }

  const statsFunc = (): Omit<Ast.StatsFunc, "name"> => {
    const fn = lex.token().toLowerCase()
    const position = lex.position()
    if (!statsNames.includes(fn)) fail("Syntax", `unknown stats function ${describe()}`)
    if (!supportedStats.has(fn as Ast.StatsFunc["fn"])) fail("Unsupported", `stats function ${fn}()`)
    lex.next()
    if (!lex.is("(")) fail("Syntax", `missing '(' after ${fn}`, position)
    const fields: Array<string> = []
    for (;;) {
      lex.next()
      if (lex.is(")")) break
      if (lex.is(",")) fail("Syntax", `unexpected ',' in ${fn}()`)
      fields.push(canonical(compoundToken()))
      if (lex.is(")")) break
      if (!lex.is(",")) fail("Syntax", `expected ',' or ')' in ${fn}(), found ${describe()}`)
    }
    lex.next()
    if (fn === "count_uniq" && lex.is("limit")) fail("Unsupported", "count_uniq(...) limit N")
    return { fn: fn as Ast.StatsFunc["fn"], fields: fields.length === 0 ? ["*"] : fields }
  }

  const statsBy = (): Array<Ast.StatsBy> => {
    if (!lex.is("(")) fail("Syntax", "missing '(' after 'by'")
    const by: Array<Ast.StatsBy> = []
    for (;;) {
      lex.next()
      if (lex.is(")")) break
      const field = canonical(compoundPhrase(false))
      if (lex.is(":")) {
        const position = lex.position()
        lex.next()
        const size = lex.token()
        lex.next()
        if (field !== "_time") fail("Unsupported", `buckets of field ${field} (only _time buckets are)`, position)
        const bucketNs = Time.parseDuration(size)
        if (bucketNs === undefined || bucketNs <= 0n) {
          fail(
            ["year", "month", "week", "/"].includes(size) ? "Unsupported" : "Syntax",
            `_time bucket ${size}`,
            position
          )
        }
        let offsetNs = 0n
        if (lex.is("offset")) {
          lex.next()
          let text = lex.token()
          lex.next()
          if (text === "-") {
            text += lex.token()
            lex.next()
          }
          const parsed = Time.parseDuration(text)
          if (parsed === undefined) fail("Syntax", `cannot parse bucket offset ${JSON.stringify(text)}`, position)
          offsetNs = parsed!
        }
        by.push({ field, bucketNs: bucketNs!, offsetNs })
      } else {
        by.push({ field })
      }
      if (lex.is(")")) break
      if (!lex.is(",")) fail("Syntax", `expected ',' or ')' in 'by (…)', found ${describe()}`)
    }
    lex.next()
    return by
  }

  const statsPipe = (): Ast.Pipe => {
    let by: Array<Ast.StatsBy> = []
    if (lex.is("by", "(")) {
      if (lex.is("by")) lex.next()
      by = statsBy()
    }
    const funcs: Array<Ast.StatsFunc> = []
    for (;;) {
      const position = lex.position()
      const f = statsFunc()
      if (lex.is("if")) fail("Unsupported", "stats ... if (...)")
      let name: string
      if (lex.is(",", "|", ")", "")) name = `${f.fn}(${f.fields.map(quoteName).join(", ")})`
      else {
        if (lex.is("as")) lex.next()
        name = fieldName()
      }
      if (by.some((b) => b.field === name)) fail("Syntax", `${name} is a 'by' field and cannot name a result`, position)
      if (funcs.some((g) => g.name === name)) fail("Syntax", `two stats results are named ${name}`, position)
      funcs.push({ ...f, name })
      if (lex.is("|", ")", "")) return { _tag: "Stats", by, funcs }
      if (!lex.is(",")) fail("Syntax", `expected ',' or '|' after a stats function, found ${describe()}`)
      lex.next()
    }
  }

  const pipe = (): Ast.Pipe => {
    if (lex.is("limit", "head")) {
      lex.next()
      if (lex.is("|", ")", "")) return { _tag: "Limit", n: 10 }
      const n = count("a limit", lex.token(), lex.position())
      lex.next()
      return { _tag: "Limit", n }
    }
    if (lex.is("offset", "skip")) {
      lex.next()
      const n = count("an offset", lex.token(), lex.position())
      lex.next()
      return { _tag: "Offset", n }
    }
    if (lex.is("fields", "keep")) {
      lex.next()
      return { _tag: "Fields", fields: fieldList() }
    }
    if (lex.is("sort", "order")) return sortPipe()
    if (lex.is("stats")) {
      lex.next()
      return statsPipe()
    }
    if (lex.is("filter", "where")) {
      lex.next()
      return { _tag: "Filter", filter: simplify(filter()) }
    }
    if (lex.is("by") || (lex.is(...statsNames) && !lex.quoted())) {
      const state = lex.save()
      lex.next()
      const isCall = lex.is("(")
      lex.restore(state)
      if (lex.is("by") || isCall) return statsPipe()
    }
    if (pipeNames.has(lex.token().toLowerCase()) && !lex.quoted()) fail("Unsupported", `pipe ${lex.token()}`)
    return { _tag: "Filter", filter: simplify(filter()) }
  }

  const pipes = (): Array<Ast.Pipe> => {
    const out: Array<Ast.Pipe> = []
    for (;;) {
      out.push(pipe())
      if (lex.is("|")) {
        lex.next()
        continue
      }
      if (lex.is(")", "")) return out
      fail("Syntax", `unexpected ${describe()} after a pipe; expected '|'`)
    }
  }

  const query = (): Ast.Query => {
    if (lex.is("options")) fail("Unsupported", "query options(...)")
    const f = simplify(filter())
    let ps: Array<Ast.Pipe> = []
    if (lex.is("|")) {
      lex.next()
      ps = pipes()
    }
    if (!lex.isEnd()) fail("Syntax", `unexpected ${describe()}`)
    return { filter: f, pipes: ps }
  }

  return { query }
}

// VictoriaLogs' own rewrites that change nothing but shape: `*` (and `_msg:*`) matches every
// record, an OR containing it is `*`, an AND drops it; nested ANDs and ORs are flattened.
const simplify = (f: Ast.Filter): Ast.Filter => {
  switch (f._tag) {
    case "Prefix":
      return f.field === "_msg" && f.prefix === "" && !f.anyCase ? { _tag: "Any" } : f
    case "Not": {
      const inner = simplify(f.filter)
      return inner._tag === "Not" ? inner.filter : { _tag: "Not", filter: inner }
    }
    case "And": {
      const filters = f.filters.map(simplify).flatMap((g) => (g._tag === "And" ? g.filters : [g]))
      const kept = filters.filter((g) => g._tag !== "Any")
      return kept.length === 0 ? { _tag: "Any" } : kept.length === 1 ? kept[0]! : { _tag: "And", filters: kept }
    }
    case "Or": {
      const filters = f.filters.map(simplify).flatMap((g) => (g._tag === "Or" ? g.filters : [g]))
      return filters.some((g) => g._tag === "Any") ? { _tag: "Any" } : { _tag: "Or", filters }
    }
    default:
      return f
  }
}

/**
 * Parses a LogsQL query. Relative times (`_time:5m`, `now-1h`) count back from `options.nowNs`.
 *
 * @since 0.1.0
 * @category parsing
 * @example
 * ```ts
 * import { LogsQLParser } from "@gastown-otel/receiver"
 * import { Result } from "effect"
 *
 * const parsed = LogsQLParser.parse('_msg:="bd.call" gt.rig:="mol" | limit 10', { nowNs: 0n })
 * Result.isSuccess(parsed) // true
 * ```
 */
export const parse = (text: string, options: Options): Result.Result<Ast.Query, LogsQLError> => {
  const parser: Parser = makeParser(Lexer.make(text), options.nowNs)
  try {
    return Result.succeed(parser.query())
  } catch (e) {
    if (e instanceof LogsQLError) return Result.fail(e)
    throw e
  }
}

/**
 * Parses a filter-only LogsQL text, as `extra_filters` parameters carry it.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFilter = (text: string, options: Options): Result.Result<Ast.Filter, LogsQLError> =>
  Result.flatMap(parse(text, options), (q) =>
    q.pipes.length === 0
      ? Result.succeed(q.filter)
      : Result.fail(
          new LogsQLError({ reason: "Syntax", input: text, position: 0, detail: "a filter cannot have pipes" })
        )
  )
