import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import type * as Ast from "../../src/promql/Ast.ts"
import * as Parser from "../../src/promql/Parser.ts"
import type { PromqlError } from "../../src/promql/PromqlError.ts"

const parse = (q: string) => Parser.parseOrThrow(q)

const failure = (q: string): PromqlError => {
  const exit = Effect.runSyncExit(Parser.parse(q))
  if (Exit.isSuccess(exit)) assert.fail(`${q} parsed`)
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") return assert.fail(`${q}: no typed failure`)
  return error.error
}

describe("Parser", () => {
  it("reads a dashboard query into the typed tree", () => {
    const ast = parse('sum by (le) (rate(x_bucket{rig=~"mol|gt", "role"!="a"}[1m0s] offset -30s))')
    assert.deepStrictEqual(ast, {
      _tag: "Aggregate",
      op: "sum",
      param: undefined,
      grouping: { mode: "by", labels: ["le"] },
      expr: {
        _tag: "Call",
        name: "rate",
        args: [
          {
            _tag: "Rollup",
            windowMs: 60_000,
            subqueryStepMs: undefined,
            offsetMs: -30_000,
            at: undefined,
            expr: {
              _tag: "Selector",
              matchers: [
                { name: "__name__", op: "=", value: "x_bucket" },
                { name: "rig", op: "=~", value: "mol|gt" },
                { name: "role", op: "!=", value: "a" }
              ]
            }
          }
        ]
      }
    })
  })

  it("binds offset, windows and @ to the operand before them, as PromQL does", () => {
    const ast = parse("a + b offset 1m") as Ast.Binary
    assert.strictEqual(ast._tag, "Binary")
    assert.strictEqual(ast.left._tag, "Selector")
    assert.deepInclude(ast.right, { _tag: "Rollup", offsetMs: 60_000 })
    const sub = parse("max_over_time(rate(x[1m])[1h:5m])") as Ast.Call
    assert.deepInclude(sub.args[0], { _tag: "Rollup", windowMs: 3_600_000, subqueryStepMs: 300_000 })
    assert.deepInclude(parse("x[5m:]"), { subqueryStepMs: 0 })
    assert.deepInclude(parse("x @ 100"), { at: { _tag: "Time", seconds: 100 } })
    // Precedence stays PromQL's around a postfix: 1 > bool ((x offset 5m) - 10).
    const cmp = parse("1 > bool x offset 5m - 10") as Ast.Binary
    assert.deepInclude(cmp, { op: ">", bool: true, left: { _tag: "NumberLiteral", value: 1 } })
    assert.deepInclude(cmp.right, { _tag: "Binary", op: "-", right: { _tag: "NumberLiteral", value: 10 } })
    assert.deepInclude((cmp.right as Ast.Binary).left, { _tag: "Rollup", offsetMs: 300_000 })
    const chain = parse("a + b offset 1m * c") as Ast.Binary
    assert.deepInclude(chain, { op: "+" })
    assert.deepInclude(chain.right, { op: "*" })
  })

  it("normalises unary minus, folds numbers and reads number forms", () => {
    assert.deepStrictEqual(parse("-1"), { _tag: "NumberLiteral", value: -1 })
    assert.deepInclude(parse("-x"), { _tag: "Binary", op: "-", left: { _tag: "NumberLiteral", value: 0 } })
    assert.deepStrictEqual(parse("2 * 3 + 1"), { _tag: "NumberLiteral", value: 7 })
    assert.isNaN((parse("2 > 3") as Ast.NumberLiteral).value)
    assert.deepStrictEqual(parse("2 > bool 3"), { _tag: "NumberLiteral", value: 0 })
    assert.deepStrictEqual(parse("0x1F"), { _tag: "NumberLiteral", value: 31 })
    assert.deepStrictEqual(parse("+Inf"), { _tag: "NumberLiteral", value: Infinity })
    assert.deepStrictEqual(parse("1h30m"), { _tag: "NumberLiteral", value: 5400 })
    // `^` binds tighter than a sign, also a number's own.
    assert.deepStrictEqual(parse("-2 ^ 2"), { _tag: "NumberLiteral", value: -4 })
    assert.deepInclude(parse("-2 ^ x"), { _tag: "Binary", op: "-", left: { _tag: "NumberLiteral", value: 0 } })
  })

  it("unquotes strings the Go way", () => {
    assert.deepStrictEqual(parse('"a\\"b\\n\\x41\\u00e9"'), { _tag: "StringLiteral", value: 'a"b\nAé' })
    assert.deepStrictEqual(parse("`raw\\n`"), { _tag: "StringLiteral", value: "raw\\n" })
    assert.deepStrictEqual(parse("'single'"), { _tag: "StringLiteral", value: "single" })
  })

  it("reads vector matching modifiers", () => {
    assert.deepInclude(parse("a > bool on (x, y) group_left (z) b"), {
      op: ">",
      bool: true,
      matching: { mode: "on", labels: ["x", "y"] },
      group: { side: "left", labels: ["z"] }
    })
    assert.deepInclude(parse("a unless ignoring (x) b"), {
      op: "unless",
      matching: { mode: "ignoring", labels: ["x"] }
    })
  })

  it("names the position of a syntax error", () => {
    const e = failure("sum(rate(x[5m])")
    assert.strictEqual(e.reason, "Syntax")
    assert.match(e.message, /position 16/)
    assert.match(failure("x{a=}").message, /syntax error at position 5/)
    assert.strictEqual(failure("   ").reason, "Syntax")
  })

  it("names the construct it does not support", () => {
    assert.deepInclude(failure("predict_linear(x[5m], 60)"), { reason: "Unsupported" })
    assert.strictEqual(failure("predict_linear(x[5m], 60)").message, 'unsupported function "predict_linear"')
    assert.strictEqual(failure("no_such_fn(x)").message, 'unsupported function "no_such_fn"')
    assert.strictEqual(failure('count_values("v", x)').message, 'unsupported aggregation "count_values"')
    assert.match(failure("x[5m+1m]").message, /unsupported duration expression "5m\+1m"/)
    assert.strictEqual(failure("a + bool b").reason, "Syntax")
  })
})
