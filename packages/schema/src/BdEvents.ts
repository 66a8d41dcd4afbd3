/**
 * The events `bd` emits about itself (docs/contract.md#metrics and #log-events).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { counter, latencyBoundariesMs, make, modelBoundariesMs } from "./Event.ts"
import { Count, ErrorMessage, Milliseconds, OpenLabel, Status, Text } from "./Fields.ts"

/**
 * One bd command, from start to exit.
 *
 * @since 0.1.0
 * @category events
 */
export const Command = make(
  "bd.command",
  { emitter: "bd", description: "A bd command run", metrics: [] },
  { command: OpenLabel(64), duration_ms: Milliseconds, status: Status, error: ErrorMessage }
)

/**
 * One storage operation of bd.
 *
 * @since 0.1.0
 * @category events
 */
export const StorageOperation = make(
  "bd.storage.operation",
  {
    emitter: "bd",
    description: "A storage operation",
    metrics: [
      counter("bd_storage_operations_total", "{operation}", "Storage operations, by operation", ["db_operation"]),
      {
        name: "bd_storage_operation_duration_ms",
        kind: "histogram",
        unit: "ms",
        description: "Storage operation duration",
        labels: ["db_operation"],
        value: "duration_ms",
        boundaries: latencyBoundariesMs
      }
    ]
  },
  { db_operation: OpenLabel(32), duration_ms: Milliseconds, status: Status, error: ErrorMessage }
)

/**
 * A failed storage operation.
 *
 * @since 0.1.0
 * @category events
 */
export const StorageError = make(
  "bd.storage.error",
  {
    emitter: "bd",
    description: "A storage error",
    severity: "ERROR",
    metrics: [
      counter("bd_storage_errors_total", "{error}", "Storage errors, by operation and kind", [
        "db_operation",
        "error_kind"
      ])
    ]
  },
  { db_operation: OpenLabel(32), error_kind: OpenLabel(32), error: Text({ truncateBytes: 1024, redact: true }) }
)

/**
 * A retried database statement.
 *
 * @since 0.1.0
 * @category events
 */
export const DbRetry = make(
  "bd.db.retry",
  {
    emitter: "bd",
    description: "A database retry",
    metrics: [counter("bd_db_retry_count_total", "{retry}", "Database statement retries", [])]
  },
  { db_operation: OpenLabel(32), attempt: Count, error: ErrorMessage }
)

/**
 * Time spent waiting for the database lock.
 *
 * @since 0.1.0
 * @category events
 */
export const DbLockWait = make(
  "bd.db.lock_wait",
  {
    emitter: "bd",
    description: "A wait for the database lock",
    metrics: [
      {
        name: "bd_db_lock_wait_ms",
        kind: "histogram",
        unit: "ms",
        description: "Time spent waiting for the database lock",
        labels: ["exclusive"],
        value: "wait_ms",
        boundaries: latencyBoundariesMs
      }
    ]
  },
  { wait_ms: Milliseconds, exclusive: Schema.Boolean }
)

/**
 * The lifecycle states of an issue.
 *
 * @since 0.1.0
 * @category events
 */
export const IssueStatus = Schema.Literals(["open", "in_progress", "blocked", "deferred", "closed"])

/**
 * How many issues are in one status, as observed now.
 *
 * @since 0.1.0
 * @category events
 */
export const IssueCount = make(
  "bd.issue_count",
  {
    emitter: "bd",
    description: "Issues counted in one status",
    metrics: [
      {
        name: "bd_issue_count",
        kind: "gauge",
        unit: "{issue}",
        description: "Issues by status",
        labels: ["status"],
        value: "count"
      }
    ]
  },
  { status: IssueStatus, count: Count }
)

/**
 * One call to a model API (e.g. `bd compact --ai`).
 *
 * @since 0.1.0
 * @category events
 */
export const AiRequest = make(
  "bd.ai.request",
  {
    emitter: "bd",
    description: "A model API call",
    metrics: [
      {
        name: "bd_ai_input_tokens_total",
        kind: "counter",
        unit: "{token}",
        description: "Model input tokens, by model",
        labels: ["model"],
        value: "input_tokens"
      },
      {
        name: "bd_ai_output_tokens_total",
        kind: "counter",
        unit: "{token}",
        description: "Model output tokens, by model",
        labels: ["model"],
        value: "output_tokens"
      },
      {
        name: "bd_ai_request_duration_ms",
        kind: "histogram",
        unit: "ms",
        description: "Model call latency",
        labels: ["model"],
        value: "duration_ms",
        boundaries: modelBoundariesMs
      }
    ]
  },
  {
    model: OpenLabel(16),
    input_tokens: Count,
    output_tokens: Count,
    duration_ms: Milliseconds,
    status: Status,
    error: ErrorMessage
  }
)
