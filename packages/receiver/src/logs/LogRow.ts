/**
 * The logs data model, as VictoriaLogs keeps OTLP log records: every value is a string
 * field (`_msg` the body, `_time` the timestamp, `_stream` the stream fields, dotted
 * attribute names kept as sent). The store produces rows; the LogsQL engine reads them
 * through {@link LogSource}.
 *
 * @since 0.1.0
 */

/**
 * One stored log record. `timeNs` is its timestamp in Unix nanoseconds; `fields` holds
 * every field VictoriaLogs would return for it, `_msg`, `_time` (RFC 3339, nanoseconds),
 * `_stream` (`{k="v",…}`) and `_stream_id` included.
 *
 * @since 0.1.0
 */
export interface LogRow {
  readonly timeNs: bigint
  readonly fields: { readonly [name: string]: string }
}

/**
 * What the LogsQL engine reads.
 *
 * @since 0.1.0
 */
export interface LogSource {
  /**
   * Calls `visit` for every row with `startNs <= timeNs <= endNs`, newest first, until it
   * returns `false`. `streams`, when given, limits the scan to rows whose `_stream` is one
   * of them (a store may use it as an index; the engine still checks every filter).
   * `message`, when given, is a test of `_msg` that the rows wanted pass: a store may skip rows
   * whose `_msg` fails it (without building them), or visit them anyway.
   */
  readonly scan: (
    range: {
      readonly startNs: bigint
      readonly endNs: bigint
      readonly streams?: ReadonlyArray<string> | undefined
      readonly message?: ((msg: string) => boolean) | undefined
    },
    visit: (row: LogRow) => boolean
  ) => void
  /** The distinct `_stream` values with rows in the range. */
  readonly streams: (range: { readonly startNs: bigint; readonly endNs: bigint }) => ReadonlyArray<string>
}
