/**
 * The typed syntax tree the PromQL parser produces and the evaluator reads. It is already
 * normalised the way VictoriaMetrics reads a query: parentheses are gone, a metric name is
 * a `__name__` matcher, unary minus is `0 - x`, and `x[5m]`, `x offset 1m` and
 * `x[5m:1m]` are all a {@link Rollup} around their inner expression.
 *
 * @since 0.1.0
 */
import type { Matcher } from "../metrics/Series.ts"

/**
 * Any expression.
 *
 * @since 0.1.0
 * @category models
 */
export type Expr = NumberLiteral | StringLiteral | Selector | Rollup | Call | Aggregate | Binary

/**
 * A number, e.g. `1`, `0x1f`, `Inf`, or a duration used as a number (`5m` is 300).
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberLiteral {
  readonly _tag: "NumberLiteral"
  readonly value: number
}

/**
 * A string literal, only meaningful as a function argument (`label_replace`).
 *
 * @since 0.1.0
 * @category models
 */
export interface StringLiteral {
  readonly _tag: "StringLiteral"
  readonly value: string
}

/**
 * A series selector: `name{label="value", ...}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Selector {
  readonly _tag: "Selector"
  readonly matchers: ReadonlyArray<Matcher>
}

/**
 * A look-behind window, an offset or a subquery around an expression: `x[5m]` (window),
 * `x offset 1m`, `x[5m:1m]` (subquery with its own step), `x @ 123` (evaluated at one time).
 * Durations are milliseconds; a missing window means "the step".
 *
 * @since 0.1.0
 * @category models
 */
export interface Rollup {
  readonly _tag: "Rollup"
  readonly expr: Expr
  readonly windowMs: number | undefined
  /** Set for a subquery (`[w:s]`); 0 when the subquery inherits the query's step (`[w:]`). */
  readonly subqueryStepMs: number | undefined
  readonly offsetMs: number
  readonly at: At | undefined
}

/**
 * The `@` modifier: a Unix time in seconds, or the query's start or end.
 *
 * @since 0.1.0
 * @category models
 */
export type At = { readonly _tag: "Time"; readonly seconds: number } | { readonly _tag: "Start" | "End" }

/**
 * A function call, e.g. `rate(x[5m])`, `histogram_quantile(0.9, ...)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly _tag: "Call"
  readonly name: string
  readonly args: ReadonlyArray<Expr>
}

/**
 * The aggregation operators the engine knows.
 *
 * @since 0.1.0
 * @category models
 */
export type AggregateOp =
  "sum" | "avg" | "min" | "max" | "count" | "group" | "stddev" | "stdvar" | "topk" | "bottomk" | "quantile"

/**
 * An aggregation, e.g. `sum by (le) (x)`, `topk(3, x)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Aggregate {
  readonly _tag: "Aggregate"
  readonly op: AggregateOp
  /** `k` of `topk`/`bottomk`, `φ` of `quantile`. */
  readonly param: Expr | undefined
  readonly expr: Expr
  readonly grouping: Grouping | undefined
}

/**
 * `by (labels)` or `without (labels)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grouping {
  readonly mode: "by" | "without"
  readonly labels: ReadonlyArray<string>
}

/**
 * The binary operators the engine knows.
 *
 * @since 0.1.0
 * @category models
 */
export type BinaryOp =
  "+" | "-" | "*" | "/" | "%" | "^" | "atan2" | "==" | "!=" | ">" | "<" | ">=" | "<=" | "and" | "or" | "unless"

/**
 * A binary operation with its modifiers: `a > bool b`, `a / on (x) group_left (y) b`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Binary {
  readonly _tag: "Binary"
  readonly op: BinaryOp
  readonly left: Expr
  readonly right: Expr
  readonly bool: boolean
  readonly matching: Matching | undefined
  readonly group: GroupModifier | undefined
}

/**
 * `on (labels)` or `ignoring (labels)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Matching {
  readonly mode: "on" | "ignoring"
  readonly labels: ReadonlyArray<string>
}

/**
 * `group_left (labels)` or `group_right (labels)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupModifier {
  readonly side: "left" | "right"
  readonly labels: ReadonlyArray<string>
}

/**
 * Whether an operator compares (`==`, `!=`, `>`, `<`, `>=`, `<=`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isComparison = (op: BinaryOp): boolean =>
  op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<="

/**
 * Whether an operator is a set operator (`and`, `or`, `unless`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSetOperator = (op: BinaryOp): boolean => op === "and" || op === "or" || op === "unless"
