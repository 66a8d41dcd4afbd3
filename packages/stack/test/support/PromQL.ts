// A checker for the PromQL (MetricsQL) the dashboards are generated with, written apart from
// the generator: a tokenizer and a recursive-descent parser for the subset dashboards use
// (selectors with label matchers, range vectors, function calls, aggregations with by/without,
// numbers, binary operators, Grafana's interval variables). It types every node (instant
// vector, range vector, scalar), so `rate(x)` or `x[5m] + 1` are errors, not just odd text.

type Kind = "instant" | "range" | "scalar" | "string"

interface Token {
  readonly type: "number" | "string" | "ident" | "range" | "punct" | "op"
  readonly text: string
  readonly at: number
}

export interface Checked {
  readonly kind: Kind
  /** Metric names of the selectors, in order. */
  readonly metrics: ReadonlyArray<string>
}

export class PromQLError extends Error {}

const durationUnit = "(?:ms|s|m|h|d|w|y)"
const duration = new RegExp(`^(?:\\d+${durationUnit})+$`)
// Grafana replaces these before the query is sent.
const grafanaDuration = /^\$(?:__interval|__rate_interval|__range|\{__interval\}|\{__rate_interval\}|\{__range\})$/

const tokenize = (source: string): ReadonlyArray<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  while (i < source.length) {
    const rest = source.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }
    const push = (type: Token["type"], text: string, length = text.length) => {
      tokens.push({ type, text, at: i })
      i += length
    }
    if (rest[0] === "[") {
      const end = rest.indexOf("]")
      if (end < 0) throw new PromQLError(`unclosed range at ${i}`)
      const inner = rest.slice(1, end).trim()
      if (!duration.test(inner) && !grafanaDuration.test(inner)) throw new PromQLError(`bad range [${inner}] at ${i}`)
      push("range", inner, end + 1)
      continue
    }
    if (rest[0] === '"' || rest[0] === "'") {
      const quote = rest[0]
      let j = 1
      while (j < rest.length && rest[j] !== quote) j += rest[j] === "\\" ? 2 : 1
      if (j >= rest.length) throw new PromQLError(`unclosed string at ${i}`)
      push("string", rest.slice(1, j), j + 1)
      continue
    }
    const number = /^(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_:])/.exec(rest)
    if (number) {
      push("number", number[0])
      continue
    }
    const ident = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)
    if (ident) {
      push("ident", ident[0])
      continue
    }
    const op = /^(?:==|!=|<=|>=|=~|!~|[-+*/%^<>=])/.exec(rest)
    if (op) {
      push("op", op[0])
      continue
    }
    if ("(){},".includes(rest[0]!)) {
      push("punct", rest[0]!)
      continue
    }
    throw new PromQLError(`unexpected ${JSON.stringify(rest[0])} at ${i}`)
  }
  return tokens
}

const aggregations = new Set(["sum", "min", "max", "avg", "count", "stddev", "stdvar", "group"])
const parameterAggregations = new Set(["topk", "bottomk", "quantile", "count_values", "limitk"])

// Function signatures: argument kinds, then the result kind.
const functions: { readonly [name: string]: readonly [ReadonlyArray<Kind>, Kind] } = {
  rate: [["range"], "instant"],
  irate: [["range"], "instant"],
  increase: [["range"], "instant"],
  delta: [["range"], "instant"],
  deriv: [["range"], "instant"],
  sum_over_time: [["range"], "instant"],
  avg_over_time: [["range"], "instant"],
  min_over_time: [["range"], "instant"],
  max_over_time: [["range"], "instant"],
  count_over_time: [["range"], "instant"],
  last_over_time: [["range"], "instant"],
  quantile_over_time: [["scalar", "range"], "instant"],
  histogram_quantile: [["scalar", "instant"], "instant"],
  abs: [["instant"], "instant"],
  clamp_min: [["instant", "scalar"], "instant"],
  round: [["instant"], "instant"],
  vector: [["scalar"], "instant"],
  scalar: [["instant"], "scalar"]
}

const binary: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["or"]),
  new Set(["and", "unless"]),
  new Set(["==", "!=", "<", ">", "<=", ">="]),
  new Set(["+", "-"]),
  new Set(["*", "/", "%"]),
  new Set(["^"])
]

const labelName = /^[A-Za-z_][A-Za-z0-9_]*$/

class Parser {
  private i = 0
  readonly metrics: Array<string> = []
  private readonly tokens: ReadonlyArray<Token>
  constructor(tokens: ReadonlyArray<Token>) {
    this.tokens = tokens
  }

  private peek(): Token | undefined {
    return this.tokens[this.i]
  }
  private fail(message: string): never {
    const token = this.peek()
    throw new PromQLError(token === undefined ? `${message} at end` : `${message} at ${token.at} (${token.text})`)
  }
  private is(text: string): boolean {
    const token = this.peek()
    return token !== undefined && token.type !== "string" && token.text === text
  }
  private expect(text: string): void {
    if (!this.is(text)) this.fail(`expected ${text}`)
    this.i++
  }

  parse(): Checked {
    if (this.tokens.length === 0) this.fail("empty expression")
    const kind = this.expression(0)
    if (this.peek() !== undefined) this.fail("unexpected token")
    if (kind === "range") this.fail("a range vector cannot be a query's result")
    return { kind, metrics: this.metrics }
  }

  private expression(level: number): Kind {
    if (level >= binary.length) return this.unary()
    let left = this.expression(level + 1)
    while (this.peek() !== undefined && binary[level]!.has(this.peek()!.text) && this.peek()!.type !== "string") {
      this.i++
      if (this.is("bool")) this.i++
      const right = level === binary.length - 1 ? this.expression(level) : this.expression(level + 1)
      if (left === "range" || right === "range") this.fail("range vector in a binary operation")
      if (left === "string" || right === "string") this.fail("string in a binary operation")
      left = left === "scalar" && right === "scalar" ? "scalar" : "instant"
    }
    return left
  }

  private unary(): Kind {
    if (this.is("-") || this.is("+")) {
      this.i++
      const kind = this.unary()
      if (kind === "range" || kind === "string") this.fail("bad operand of unary minus")
      return kind
    }
    return this.postfix(this.primary())
  }

  private postfix(kind: Kind): Kind {
    let out = kind
    if (this.peek()?.type === "range") {
      if (out !== "instant") this.fail("a range applies to a selector only")
      this.i++
      out = "range"
    }
    if (this.is("offset")) {
      this.i++
      const token = this.peek()
      if (token?.type !== "ident" && token?.type !== "number") this.fail("expected a duration after offset")
      this.i++
    }
    return out
  }

  private labels(): void {
    this.expect("(")
    while (!this.is(")")) {
      const token = this.peek()
      if (token?.type !== "ident" || !labelName.test(token.text)) this.fail("expected a label name")
      this.i++
      if (!this.is(",")) break
      this.i++
    }
    this.expect(")")
  }

  private grouping(): boolean {
    if (this.is("by") || this.is("without")) {
      this.i++
      this.labels()
      return true
    }
    return false
  }

  private matchers(): number {
    this.expect("{")
    let count = 0
    while (!this.is("}")) {
      const name = this.peek()
      if (name?.type !== "ident" || !labelName.test(name.text)) this.fail("expected a label name")
      this.i++
      const op = this.peek()
      if (op?.type !== "op" || !["=", "!=", "=~", "!~"].includes(op.text)) this.fail("expected a label matcher")
      this.i++
      if (this.peek()?.type !== "string") this.fail("expected a quoted label value")
      this.i++
      count++
      if (!this.is(",")) break
      this.i++
    }
    this.expect("}")
    return count
  }

  private primary(): Kind {
    const token = this.peek()
    if (token === undefined) this.fail("expected an expression")
    if (token.type === "number") {
      this.i++
      return "scalar"
    }
    if (token.type === "string") {
      this.i++
      return "string"
    }
    if (this.is("(")) {
      this.i++
      const kind = this.expression(0)
      this.expect(")")
      return kind
    }
    if (this.is("{")) {
      if (this.matchers() === 0) this.fail("a selector needs a name or a matcher")
      return "instant"
    }
    if (token.type !== "ident") this.fail("expected an expression")
    this.i++
    const name = token.text
    if (aggregations.has(name) || parameterAggregations.has(name)) {
      const grouped = this.grouping()
      this.expect("(")
      if (parameterAggregations.has(name)) {
        const parameter = this.expression(0)
        if (parameter !== "scalar" && parameter !== "string") this.fail(`${name} needs a parameter`)
        this.expect(",")
      }
      if (this.expression(0) !== "instant") this.fail(`${name} aggregates an instant vector`)
      this.expect(")")
      if (this.grouping() && grouped) this.fail("grouping given twice")
      return "instant"
    }
    if (this.is("(")) {
      const signature = functions[name]
      if (signature === undefined) this.fail(`unknown function ${name}`)
      this.i++
      const [parameters, result] = signature
      parameters.forEach((expected, n) => {
        if (n > 0) this.expect(",")
        const kind = this.expression(0)
        if (kind !== expected) this.fail(`argument ${n + 1} of ${name} must be ${expected}, is ${kind}`)
      })
      this.expect(")")
      return result
    }
    if (["by", "without", "offset", "bool", "and", "or", "unless"].includes(name)) this.fail("keyword out of place")
    this.metrics.push(name)
    if (this.is("{")) this.matchers()
    return "instant"
  }
}

/** Parses and types one expression; throws {@link PromQLError} on any error. */
export const check = (expression: string): Checked => new Parser(tokenize(expression)).parse()
