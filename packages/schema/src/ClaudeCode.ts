/**
 * The metrics Claude Code exports about itself (its monitoring documentation), which the stack charts beside
 * ours (docs/contract.md#claude-code-sessions). Not ours to define: they are listed here only because names are
 * spelled in this package and nowhere else.
 *
 * @since 0.1.0
 */

/**
 * One Claude Code metric. Claude Code exports every one with delta temporality, which
 * VictoriaMetrics stores as raw per-interval samples: they are summed with `sum_over_time`,
 * never `rate`/`increase`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Metric {
  /** The instrument name as Claude Code sends it. */
  readonly name: string
  readonly unit: string
  readonly description: string
  /** Attributes worth a legend entry. */
  readonly labels: ReadonlyArray<string>
}

/**
 * The Claude Code metrics on the Gas Town dashboard.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const metrics: ReadonlyArray<Metric> = [
  { name: "claude_code.session.count", unit: "short", description: "Claude Code sessions started", labels: [] },
  {
    name: "claude_code.token.usage",
    unit: "short",
    description: "Tokens used by Claude Code sessions, by type",
    labels: ["type"]
  },
  {
    name: "claude_code.cost.usage",
    unit: "currencyUSD",
    description: "Cost of Claude Code sessions in USD, by model",
    labels: ["model"]
  },
  {
    name: "claude_code.lines_of_code.count",
    unit: "short",
    description: "Lines of code changed by Claude Code, added or removed",
    labels: ["type"]
  }
]
