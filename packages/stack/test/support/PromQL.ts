// A Prometheus-strict check of the dashboards' queries, on the receiver's PromQL parser (the
// real grammar, @prometheus-io/lezer-promql). MetricsQL forgives `rate(x)` and a range vector
// as a result; Prometheus does not, and the dashboards should work on either, so every node
// is typed here: instant vector, range vector, scalar or string.
import { type PromqlAst, PromqlParser } from "@gastown-otel/receiver"

type Kind = "instant" | "range" | "scalar" | "string"

export interface Checked {
  readonly kind: Kind
  /** Metric names of the selectors, in order. */
  readonly metrics: ReadonlyArray<string>
}

export class PromQLError extends Error {}

// Grafana replaces these before a query is sent.
const grafana = (query: string) => query.replace(/\$\{?__(?:rate_)?interval\}?|\$\{?__range\}?/g, "5m")

// Argument kinds per function, then the result; the functions dashboards and users write.
const overTime = ["sum", "avg", "min", "max", "count", "last", "first", "stddev", "stdvar", "present", "absent"]
interface Signature {
  readonly args: ReadonlyArray<Kind>
  readonly result: Kind
}
const fn = (args: ReadonlyArray<Kind>, result: Kind): Signature => ({ args, result })
const signatures: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  ...[
    "rate",
    "increase",
    "irate",
    "delta",
    "idelta",
    "changes",
    "resets",
    ...overTime.map((f) => `${f}_over_time`)
  ].map((f) => [f, fn(["range"], "instant")] as const),
  ["quantile_over_time", fn(["scalar", "range"], "instant")],
  ["histogram_quantile", fn(["scalar", "instant"], "instant")],
  ...["abs", "ceil", "floor", "round", "sqrt", "exp", "ln", "log2", "log10", "sgn", "absent", "timestamp"].map(
    (f) => [f, fn(["instant"], "instant")] as const
  ),
  ["clamp_min", fn(["instant", "scalar"], "instant")],
  ["clamp_max", fn(["instant", "scalar"], "instant")],
  ["vector", fn(["scalar"], "instant")],
  ["scalar", fn(["instant"], "scalar")],
  ["time", fn([], "scalar")]
])

const selectorName = (selector: PromqlAst.Selector) => selector.matchers.find((m) => m.name === "__name__")?.value

const kindOf = (e: PromqlAst.Expr, metrics: Array<string>): Kind => {
  const expect = (inner: PromqlAst.Expr, kind: Kind, where: string) => {
    const found = kindOf(inner, metrics)
    if (found !== kind) throw new PromQLError(`${where}: expected ${kind}, got ${found}`)
  }
  switch (e._tag) {
    case "NumberLiteral":
      return "scalar"
    case "StringLiteral":
      return "string"
    case "Selector": {
      const name = selectorName(e)
      if (name === undefined && e.matchers.every((m) => m.value === "")) {
        throw new PromQLError("a selector needs a metric name or a matcher that is not empty")
      }
      if (name !== undefined) metrics.push(name)
      return "instant"
    }
    case "Rollup":
      if (e.windowMs === undefined) return kindOf(e.expr, metrics)
      expect(e.expr, "instant", "a range or subquery")
      return "range"
    case "Call": {
      const signature = signatures.get(e.name)
      if (signature === undefined) throw new PromQLError(`unknown function ${e.name}`)
      if (signature.args.length !== e.args.length) {
        throw new PromQLError(`${e.name} takes ${signature.args.length} argument(s), got ${e.args.length}`)
      }
      e.args.forEach((arg, i) => expect(arg, signature.args[i]!, `${e.name} argument ${i + 1}`))
      return signature.result
    }
    case "Aggregate":
      if (e.param !== undefined) expect(e.param, "scalar", `${e.op}'s parameter`)
      expect(e.expr, "instant", e.op)
      return "instant"
    case "Binary": {
      const sides = [kindOf(e.left, metrics), kindOf(e.right, metrics)]
      for (const side of sides)
        if (side !== "instant" && side !== "scalar") throw new PromQLError(`${e.op} on a ${side}`)
      return sides.every((k) => k === "scalar") ? "scalar" : "instant"
    }
  }
}

/** The kind of a query's result and the metrics it selects; throws on a syntax or type error. */
export const check = (query: string): Checked => {
  let ast: PromqlAst.Expr
  try {
    ast = PromqlParser.parseOrThrow(grafana(query))
  } catch (error) {
    throw new PromQLError(error instanceof Error ? error.message : String(error))
  }
  const metrics: Array<string> = []
  const kind = kindOf(ast, metrics)
  if (kind === "range" || kind === "string") throw new PromQLError(`a query's result cannot be a ${kind}`)
  return { kind, metrics }
}
