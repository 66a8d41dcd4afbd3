/**
 * Parses PromQL with the Prometheus project's own grammar (`@prometheus-io/lezer-promql`)
 * and turns the lezer tree into the typed {@link Ast}. A syntax error names its position;
 * a construct the engine does not implement (`predict_linear`, `count_values`, duration
 * arithmetic, ...) is an `Unsupported` error naming it.
 *
 * @since 0.1.0
 */
import type { SyntaxNode } from "@lezer/common"
import { parser } from "@prometheus-io/lezer-promql"
import { Effect } from "effect"
import type { Matcher } from "../metrics/Series.ts"
import type * as Ast from "./Ast.ts"
import * as Duration from "./Duration.ts"
import { PromqlError, syntax, unsupported } from "./PromqlError.ts"
import { foldNumbers } from "./internal/binary.ts"
import { functionNames } from "./internal/functions.ts"

const aggregateOps: ReadonlySet<string> = new Set<Ast.AggregateOp>([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "group",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "quantile"
])

const binaryOps: { readonly [node: string]: Ast.BinaryOp } = {
  Add: "+",
  Sub: "-",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Pow: "^",
  Atan2: "atan2",
  Eql: "==",
  Neq: "!=",
  Gtr: ">",
  Lss: "<",
  Gte: ">=",
  Lte: "<=",
  And: "and",
  Or: "or",
  Unless: "unless"
}

const matchOps: { readonly [node: string]: Matcher["op"] } = {
  EqlSingle: "=",
  Neq: "!=",
  EqlRegex: "=~",
  NeqRegex: "!~"
}

const simpleEscapes: { readonly [c: string]: string } = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"'
}

// Go string literal rules, which PromQL follows: backquotes are raw, the others take
// backslash escapes (octal, \x, \u, \U included).
const unquote = (raw: string, at: number): string => {
  const quote = raw[0]
  if (raw.length < 2 || raw[raw.length - 1] !== quote) throw syntax(`unterminated string at position ${at}: ${raw}`)
  const body = raw.slice(1, -1)
  if (quote === "`") return body
  let out = ""
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c !== "\\") {
      out += c
      continue
    }
    const e = body[++i]
    if (e === undefined) throw syntax(`invalid escape at position ${at + i}`)
    const simple = simpleEscapes[e]
    if (simple !== undefined) {
      out += simple
      continue
    }
    const hexLength = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0
    if (hexLength > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLength)
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength)
        throw syntax(`invalid escape \\${e} at position ${at + i}`)
      out += String.fromCodePoint(parseInt(hex, 16))
      i += hexLength
      continue
    }
    const octal = body.slice(i, i + 3)
    if (/^[0-7]{3}$/.test(octal)) {
      out += String.fromCharCode(parseInt(octal, 8))
      i += 2
      continue
    }
    throw syntax(`invalid escape \\${e} at position ${at + i}`)
  }
  return out
}

const children = (node: SyntaxNode): Array<SyntaxNode> => {
  const out: Array<SyntaxNode> = []
  for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c)
  return out
}

const firstError = (node: SyntaxNode): SyntaxNode | undefined => {
  if (node.type.isError) return node
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    const e = firstError(c)
    if (e !== undefined) return e
  }
  return undefined
}

const parseNumber = (text: string): number | undefined => {
  const t = text.replace(/_/g, "").toLowerCase()
  const sign = t.startsWith("-") ? -1 : 1
  const body = t.replace(/^[+-]\s*/, "")
  if (body === "inf") return sign * Infinity
  if (body === "nan") return NaN
  if (body.startsWith("0x")) return sign * parseInt(body.slice(2), 16)
  if (/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(body)) return sign * Number(body)
  const ms = Duration.parseMs(body)
  return ms === undefined ? undefined : (sign * ms) / 1000
}

interface Operand {
  readonly _tag: "Operand"
  readonly signs: Array<string>
  readonly expr: () => Ast.Expr
  readonly post: Array<(inner: Ast.Expr) => Ast.Expr>
}

interface Operator {
  readonly _tag: "Operator"
  readonly op: Ast.BinaryOp
  readonly bool: boolean
  readonly matching: Ast.Matching | undefined
  readonly group: Ast.GroupModifier | undefined
}

type Item = Operand | Operator

// PromQL's binary operator precedence, loosest first; `^` is right-associative.
const precedence: { readonly [op: string]: number } = {
  or: 1,
  and: 2,
  unless: 2,
  "==": 3,
  "!=": 3,
  ">": 3,
  "<": 3,
  ">=": 3,
  "<=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  atan2: 5,
  "^": 6
}

interface Converter {
  readonly text: (node: SyntaxNode) => string
  readonly expr: (node: SyntaxNode) => Ast.Expr
}

const converter = (query: string): Converter => {
  const text = (node: SyntaxNode) => query.slice(node.from, node.to)

  const durationMs = (node: SyntaxNode): number => {
    const kids = children(node)
    if (node.name === "OffsetDurationExpr" || node.name === "DurationExpr") {
      if (kids.length === 2 && kids[0]!.name === "UnaryOp") {
        const inner = durationMs(kids[1]!)
        return text(kids[0]!) === "-" ? -inner : inner
      }
      if (kids.length === 1) return durationMs(kids[0]!)
      throw unsupported(`unsupported duration expression "${text(node)}"`)
    }
    if (node.name === "NumberDurationLiteralInDurationContext") {
      const ms = Duration.parseMs(text(node))
      if (ms === undefined) throw unsupported(`unsupported duration "${text(node)}"`)
      return ms
    }
    throw unsupported(`unsupported duration expression "${text(node)}"`)
  }

  const labelName = (node: SyntaxNode): string =>
    node.name === "QuotedLabelName" ? unquote(text(node.firstChild!), node.from) : text(node)

  const groupingLabels = (node: SyntaxNode): ReadonlyArray<string> =>
    children(node)
      .filter((c) => c.name === "LabelName" || c.name === "QuotedLabelName")
      .map(labelName)

  const selector = (node: SyntaxNode): Ast.Selector => {
    const matchers: Array<Matcher> = []
    for (const c of children(node)) {
      if (c.name === "Identifier") matchers.push({ name: "__name__", op: "=", value: text(c) })
      if (c.name !== "LabelMatchers") continue
      for (const m of children(c)) {
        if (m.name === "QuotedLabelName") {
          matchers.push({ name: "__name__", op: "=", value: unquote(text(m.firstChild!), m.from) })
          continue
        }
        const [nameNode, opNode, valueNode] = children(m)
        if (nameNode === undefined || opNode === undefined || valueNode === undefined) continue
        matchers.push({
          name: labelName(nameNode),
          op: matchOps[opNode.firstChild!.name]!,
          value: unquote(text(valueNode), valueNode.from)
        })
      }
    }
    return { _tag: "Selector", matchers }
  }

  const rollupOf = (inner: Ast.Expr, patch: Partial<Omit<Ast.Rollup, "_tag" | "expr">>): Ast.Rollup => {
    // `x[5m] offset 1m` and `x offset 1m` wrap one rollup; a subquery inside stays inside.
    if (inner._tag === "Rollup" && patch.windowMs === undefined && patch.subqueryStepMs === undefined) {
      return { ...inner, ...patch }
    }
    return {
      _tag: "Rollup",
      expr: inner,
      windowMs: undefined,
      subqueryStepMs: undefined,
      offsetMs: 0,
      at: undefined,
      ...patch
    }
  }

  const callArgs = (body: SyntaxNode): ReadonlyArray<Ast.Expr> =>
    children(body)
      .filter((c) => c.type.isError === false && c.name !== "(" && c.name !== ")" && c.name !== ",")
      .map(expr)

  // Unary minus is `0 - x` (numbers fold), as in VictoriaMetrics.
  const negate = (inner: Ast.Expr): Ast.Expr =>
    inner._tag === "NumberLiteral"
      ? { _tag: "NumberLiteral", value: -inner.value }
      : {
          _tag: "Binary",
          op: "-",
          left: { _tag: "NumberLiteral", value: 0 },
          right: inner,
          bool: false,
          matching: undefined,
          group: undefined
        }

  const operator = (node: SyntaxNode): Operator => {
    const kids = children(node)
    const opNode = kids[1]!
    const op = binaryOps[opNode.name]
    if (op === undefined) throw unsupported(`unsupported binary operator "${text(opNode)}"`)
    let bool = false
    let matching: Ast.Matching | undefined
    let group: Ast.GroupModifier | undefined
    for (const k of kids.slice(2, -1)) {
      if (k.name === "BoolModifier") bool = true
      else if (k.name === "FillModifier") throw unsupported(`unsupported modifier "${text(k)}"`)
      else if (k.name === "MatchingModifierClause") {
        const parts = children(k)
        const lists = parts.filter((p) => p.name === "GroupingLabels")
        matching = { mode: parts[0]!.name === "On" ? "on" : "ignoring", labels: groupingLabels(lists[0]!) }
        const side = parts.find((p) => p.name === "GroupLeft" || p.name === "GroupRight")
        if (side !== undefined) {
          group = {
            side: side.name === "GroupLeft" ? "left" : "right",
            labels: lists[1] === undefined ? [] : groupingLabels(lists[1])
          }
        }
      }
    }
    if (bool && !isComparisonNode(op)) {
      throw syntax(`bool modifier can only be used on comparison operators, got "${op}"`)
    }
    return { _tag: "Operator", op, bool, matching, group }
  }

  const postfixOf = (node: SyntaxNode): ((inner: Ast.Expr) => Ast.Expr) => {
    const kids = children(node)
    switch (node.name) {
      case "MatrixSelector": {
        const windowMs = durationMs(kids[kids.length - 1]!)
        return (inner) => rollupOf(inner, { windowMs })
      }
      case "SubqueryExpr": {
        const durations = kids.filter((k) => k.name === "DurationExpr")
        const windowMs = durationMs(durations[0]!)
        const subqueryStepMs = durations[1] === undefined ? 0 : durationMs(durations[1])
        return (inner) => ({ _tag: "Rollup", expr: inner, windowMs, subqueryStepMs, offsetMs: 0, at: undefined })
      }
      case "OffsetExpr": {
        const offsetMs = durationMs(kids[kids.length - 1]!)
        return (inner) => rollupOf(inner, { offsetMs })
      }
      default: {
        const target = kids[kids.length - 1]!
        let at: Ast.At
        if (target.name === "AtModifierPreprocessors") {
          at = { _tag: target.firstChild!.name === "AtStart" ? "Start" : "End" }
        } else {
          const seconds = parseNumber(text(target).replace(/\s+/g, ""))
          if (seconds === undefined) throw syntax(`cannot parse @ time "${text(target)}" at position ${target.from}`)
          at = { _tag: "Time", seconds }
        }
        return (inner) => rollupOf(inner, { at })
      }
    }
  }

  // The grammar does not settle precedence the way PromQL does: it lets `offset`, `[5m]`,
  // `[5m:1m]` and `@` follow a whole binary expression (`a + b offset 1m`), and reads a
  // signed number as one token (`-2 ^ 2`). So operator chains are flattened into operands
  // (each with its signs and postfixes) and operators, and rebuilt with PromQL's rules.
  const flatten = (node: SyntaxNode): Array<Item> => {
    const kids = children(node)
    switch (node.name) {
      case "BinaryExpr":
        return [...flatten(kids[0]!), operator(node), ...flatten(kids[kids.length - 1]!)]
      case "UnaryExpr": {
        const items = flatten(kids[1]!)
        ;(items[0] as Operand).signs.unshift(text(kids[0]!))
        return items
      }
      case "NumberDurationLiteral": {
        const sign = /^\s*([+-])/.exec(text(node))
        const value = parseNumber(
          text(node)
            .replace(/^\s*[+-]/, "")
            .replace(/\s+/g, "")
        )
        if (value === undefined) throw syntax(`cannot parse number "${text(node)}" at position ${node.from}`)
        const literal: Ast.NumberLiteral = { _tag: "NumberLiteral", value }
        return [{ _tag: "Operand", signs: sign === null ? [] : [sign[1]!], expr: () => literal, post: [] }]
      }
      case "MatrixSelector":
      case "SubqueryExpr":
      case "OffsetExpr":
      case "StepInvariantExpr": {
        const items = flatten(kids[0]!)
        ;(items[items.length - 1] as Operand).post.push(postfixOf(node))
        return items
      }
      default:
        return [{ _tag: "Operand", signs: [], expr: () => expr(node), post: [] }]
    }
  }

  // Numbers fold into one at parse time, as in VictoriaMetrics: `(2 > 2) > bool x` then
  // compares x with NaN (the folded `2 > 2`) instead of evaluating a series of NaN.
  const combine = (o: Operator, left: Ast.Expr, right: Ast.Expr): Ast.Expr =>
    left._tag === "NumberLiteral" && right._tag === "NumberLiteral"
      ? { _tag: "NumberLiteral", value: foldNumbers(o.op, o.bool, left.value, right.value) }
      : { _tag: "Binary", op: o.op, left, right, bool: o.bool, matching: o.matching, group: o.group }

  const rebuild = (items: ReadonlyArray<Item>): Ast.Expr => {
    let at = 0
    const operand = (): Ast.Expr => {
      const item = items[at++] as Operand
      let e = item.post.reduce((inner, wrap) => wrap(inner), item.expr())
      if (item.signs.length === 0) return e
      // A sign applies after `^`: -2 ^ 2 is -(2 ^ 2).
      while (at < items.length && (items[at] as Operator).op === "^") {
        const op = items[at++] as Operator
        e = combine(op, e, climb(precedence["^"]!))
      }
      for (const sign of item.signs.toReversed()) if (sign === "-") e = negate(e)
      return e
    }
    const climb = (min: number): Ast.Expr => {
      let left = operand()
      while (at < items.length) {
        const op = items[at] as Operator
        const p = precedence[op.op]!
        if (p < min) break
        at++
        left = combine(op, left, climb(op.op === "^" ? p : p + 1))
      }
      return left
    }
    return climb(0)
  }

  const expr = (node: SyntaxNode): Ast.Expr => {
    const kids = children(node)
    switch (node.name) {
      case "PromQL":
      case "ParenExpr":
        return expr(kids.find((k) => k.name !== "(" && k.name !== ")")!)
      case "StringLiteral":
        return { _tag: "StringLiteral", value: unquote(text(node), node.from) }
      case "VectorSelector":
        return selector(node)
      case "NumberDurationLiteral":
      case "MatrixSelector":
      case "SubqueryExpr":
      case "OffsetExpr":
      case "StepInvariantExpr":
      case "UnaryExpr":
      case "BinaryExpr":
        return rebuild(flatten(node))
      case "AggregateExpr": {
        const op = text(kids[0]!).toLowerCase()
        if (!aggregateOps.has(op)) throw unsupported(`unsupported aggregation "${op}"`)
        const modifier = kids.find((k) => k.name === "AggregateModifier")
        const grouping: Ast.Grouping | undefined =
          modifier === undefined
            ? undefined
            : {
                mode: modifier.firstChild!.name === "By" ? "by" : "without",
                labels: groupingLabels(children(modifier).find((c) => c.name === "GroupingLabels")!)
              }
        const args = callArgs(kids.find((k) => k.name === "FunctionCallBody")!)
        const parametric = op === "topk" || op === "bottomk" || op === "quantile"
        if (args.length !== (parametric ? 2 : 1)) {
          throw syntax(`${op} takes ${parametric ? 2 : 1} argument(s), got ${args.length}`)
        }
        return {
          _tag: "Aggregate",
          op: op as Ast.AggregateOp,
          param: parametric ? args[0] : undefined,
          expr: args[args.length - 1]!,
          grouping
        }
      }
      case "FunctionCall": {
        const name = text(kids[0]!)
        if (!functionNames.has(name)) throw unsupported(`unsupported function "${name}"`)
        return { _tag: "Call", name, args: callArgs(kids[1]!) }
      }
      case "AnchoredExpr":
      case "SmoothedExpr":
        throw unsupported(`unsupported modifier "${text(kids[kids.length - 1]!)}"`)
      default:
        throw unsupported(`unsupported expression "${text(node)}"`)
    }
  }

  return { text, expr }
}

const isComparisonNode = (op: Ast.BinaryOp) =>
  op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<="

const describeError = (query: string, node: SyntaxNode): string => {
  const at = node.from
  // An unknown function reads as a selector followed by "(": name it, not the parenthesis.
  const before = query.slice(0, at).match(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/)
  if (query[at] === "(" && before !== null && before[1] !== undefined) {
    return `unsupported function "${before[1]}"`
  }
  const found = at >= query.length ? "end of query" : JSON.stringify(query.slice(at, Math.max(node.to, at + 1)))
  return `syntax error at position ${at + 1}: unexpected ${found} in ${JSON.stringify(query)}`
}

/**
 * Parses a query, throwing a {@link PromqlError}: for synchronous callers (the evaluator
 * and the HTTP handlers).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseOrThrow = (query: string): Ast.Expr => {
  if (query.trim() === "") throw syntax("empty query")
  const tree = parser.parse(query)
  const error = firstError(tree.topNode)
  if (error !== undefined) {
    const detail = describeError(query, error)
    throw detail.startsWith("unsupported") ? unsupported(detail) : syntax(detail)
  }
  return converter(query).expr(tree.topNode)
}

/**
 * Parses a query into the typed syntax tree.
 *
 * @since 0.1.0
 * @category parsing
 * @example
 * ```ts
 * import { Parser } from "@gastown-otel/receiver"
 * import { Effect } from "effect"
 *
 * const ast = Effect.runSync(Parser.parse('sum by (status) (rate(gastown_bd_calls_total[5m]))'))
 * ```
 */
export const parse = (query: string): Effect.Effect<Ast.Expr, PromqlError> =>
  Effect.try({
    try: () => parseOrThrow(query),
    catch: (e) => (e instanceof PromqlError ? e : syntax(`cannot parse ${JSON.stringify(query)}: ${String(e)}`))
  })
