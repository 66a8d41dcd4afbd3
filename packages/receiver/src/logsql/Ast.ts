/**
 * The LogsQL syntax tree the parser produces and the engine evaluates. Field names are as
 * VictoriaLogs keeps them (`_msg` for a filter without a field, dotted names as sent); times are
 * Unix nanoseconds, already resolved against the query's "now".
 *
 * @since 0.1.0
 */

/**
 * One `name op "value"` inside a stream filter `{…}`. `in(…)` and `not_in(…)` are read as `=~`
 * and `!~` over the quoted values, as VictoriaLogs does.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamTagFilter {
  readonly name: string
  readonly op: "=" | "!=" | "=~" | "!~"
  readonly value: string
}

/**
 * A filter. A field that is missing from a record reads as the empty string, as in VictoriaLogs.
 *
 * - `Any`: `*`, every record.
 * - `Phrase`: a word or a quoted phrase, matched as whole words (`anyCase` for `i(…)`).
 * - `Prefix`: `foo*` (the empty prefix, `field:*`, matches any non-empty value).
 * - `Exact` / `ExactPrefix`: `field:=value`, `field:=value*`, `exact(…)`.
 * - `In`: `field:in(a, "b")`, the exact value is one of them.
 * - `Regexp`: `field:~"re"`, `re(…)`, RE2 syntax, matching anywhere in the value.
 * - `Range`: `field:>N`, `>=`, `<`, `<=` on values that read as numbers; bounds inclusive.
 * - `Time`: `_time:…`, bounds inclusive.
 * - `Stream`: `{…}` / `_stream:{…}`: any of the alternatives, each all of its tag filters.
 *
 * @since 0.1.0
 * @category models
 */
export type Filter =
  | { readonly _tag: "Any" }
  | { readonly _tag: "Phrase"; readonly field: string; readonly phrase: string; readonly anyCase: boolean }
  | { readonly _tag: "Prefix"; readonly field: string; readonly prefix: string; readonly anyCase: boolean }
  | { readonly _tag: "Exact"; readonly field: string; readonly value: string }
  | { readonly _tag: "ExactPrefix"; readonly field: string; readonly prefix: string }
  | { readonly _tag: "In"; readonly field: string; readonly values: ReadonlyArray<string> }
  | { readonly _tag: "Regexp"; readonly field: string; readonly pattern: string }
  | { readonly _tag: "Range"; readonly field: string; readonly min: number; readonly max: number }
  | { readonly _tag: "Time"; readonly startNs: bigint; readonly endNs: bigint }
  | { readonly _tag: "Stream"; readonly anyOf: ReadonlyArray<ReadonlyArray<StreamTagFilter>> }
  | { readonly _tag: "And"; readonly filters: ReadonlyArray<Filter> }
  | { readonly _tag: "Or"; readonly filters: ReadonlyArray<Filter> }
  | { readonly _tag: "Not"; readonly filter: Filter }

/**
 * One `by (…)` entry of a stats pipe; `bucketNs` (with `offsetNs`) groups `_time` into buckets
 * (`by (_time:5m)`).
 *
 * @since 0.1.0
 * @category models
 */
export interface StatsBy {
  readonly field: string
  readonly bucketNs?: bigint | undefined
  readonly offsetNs?: bigint | undefined
}

/**
 * One stats function with its result name (`as name`, else VictoriaLogs' default such as
 * `count(*)`). `fields` are the arguments; `*` means every field.
 *
 * @since 0.1.0
 * @category models
 */
export interface StatsFunc {
  readonly fn: "count" | "count_uniq" | "sum" | "min" | "max" | "avg"
  readonly fields: ReadonlyArray<string>
  readonly name: string
}

/**
 * One sort key of a sort pipe.
 *
 * @since 0.1.0
 * @category models
 */
export interface SortBy {
  readonly field: string
  readonly desc: boolean
}

/**
 * A pipe.
 *
 * - `Limit`: `| limit N` (`| head N`; 10 without N). `Offset`: `| offset N` (`| skip N`).
 * - `Fields`: `| fields a, b` (`| keep`); a name ending in `*` keeps every field with that prefix.
 * - `Sort`: `| sort by (a, b desc) desc limit N offset M` (`| order`); `desc` reverses every key.
 * - `Stats`: `| stats by (…) count(), …` (`stats` may be left out).
 * - `Filter`: `| filter …` (`| where`, or a bare filter).
 *
 * @since 0.1.0
 * @category models
 */
export type Pipe =
  | { readonly _tag: "Limit"; readonly n: number }
  | { readonly _tag: "Offset"; readonly n: number }
  | { readonly _tag: "Fields"; readonly fields: ReadonlyArray<string> }
  | {
      readonly _tag: "Sort"
      readonly by: ReadonlyArray<SortBy>
      readonly desc: boolean
      readonly offset: number
      readonly limit: number | undefined
    }
  | { readonly _tag: "Stats"; readonly by: ReadonlyArray<StatsBy>; readonly funcs: ReadonlyArray<StatsFunc> }
  | { readonly _tag: "Filter"; readonly filter: Filter }

/**
 * A parsed query: a filter and the pipes after it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Query {
  readonly filter: Filter
  readonly pipes: ReadonlyArray<Pipe>
}
