/**
 * The events `gt` emits (docs/contract.md#log-events): one schema each.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { counter, latencyBoundariesMs, make } from "./Event.ts"
import { Count, ErrorMessage, Id, Milliseconds, OpenLabel, Status, Text } from "./Fields.ts"

/**
 * A bd call made by gt.
 *
 * @since 0.1.0
 * @category events
 */
export const BdCall = make(
  "bd.call",
  {
    emitter: "gt",
    description: "A bd subprocess call made by gt",
    metrics: [
      counter("gastown_bd_calls_total", "{call}", "bd calls made by gt, by subcommand and outcome", [
        "subcommand",
        "status"
      ]),
      {
        name: "gastown_bd_duration_ms",
        kind: "histogram",
        unit: "ms",
        description: "Round-trip latency of bd calls made by gt",
        labels: ["subcommand", "status"],
        value: "duration_ms",
        boundaries: latencyBoundariesMs
      }
    ]
  },
  {
    subcommand: OpenLabel(64),
    args: Text({ truncateBytes: 1024, redact: true }),
    duration_ms: Milliseconds,
    status: Status,
    stdout: Schema.optionalKey(Text({ truncateBytes: 2048, redact: true, content: true })),
    stderr: Schema.optionalKey(Text({ truncateBytes: 1024, redact: true, content: true })),
    error: ErrorMessage
  }
)

/**
 * A Claude session started by gt.
 *
 * @since 0.1.0
 * @category events
 */
export const SessionStart = make(
  "session.start",
  {
    emitter: "gt",
    description: "A Claude Code session started",
    metrics: [counter("gastown_session_starts_total", "{session}", "Claude session starts", ["status"])]
  },
  { session_id: Id, role: Id, status: Status, error: ErrorMessage }
)

/**
 * A Claude session stopped by gt.
 *
 * @since 0.1.0
 * @category events
 */
export const SessionStop = make(
  "session.stop",
  {
    emitter: "gt",
    description: "A Claude Code session stopped",
    metrics: [counter("gastown_session_stops_total", "{session}", "Claude session stops", ["status"])]
  },
  { session_id: Id, status: Status, error: ErrorMessage }
)

/**
 * A prompt sent to an agent's pane.
 *
 * @since 0.1.0
 * @category events
 */
export const PromptSend = make(
  "prompt.send",
  {
    emitter: "gt",
    description: "A prompt sent to an agent",
    metrics: [counter("gastown_prompt_sends_total", "{prompt}", "Prompts sent to agents", ["status"])]
  },
  { session: Id, keys_len: Count, debounce_ms: Count, status: Status, error: ErrorMessage }
)

/**
 * A read of an agent's tmux pane.
 *
 * @since 0.1.0
 * @category events
 */
export const PaneRead = make(
  "pane.read",
  {
    emitter: "gt",
    description: "A tmux pane read",
    metrics: [counter("gastown_pane_reads_total", "{read}", "tmux pane reads", [])]
  },
  { session: Id, lines_requested: Count, content_len: Count, status: Status, error: ErrorMessage }
)

/**
 * A `gt prime` run.
 *
 * @since 0.1.0
 * @category events
 */
export const Prime = make(
  "prime",
  {
    emitter: "gt",
    description: "A `gt prime` run",
    metrics: [counter("gastown_prime_total", "{run}", "`gt prime` runs, by hook mode", ["status", "hook_mode"])]
  },
  { role: Id, hook_mode: Schema.Boolean, status: Status, error: ErrorMessage }
)

/**
 * An agent's state transition.
 *
 * @since 0.1.0
 * @category events
 */
export const AgentStateChange = make(
  "agent.state_change",
  {
    emitter: "gt",
    description: "An agent state transition",
    metrics: [
      counter("gastown_agent_state_changes_total", "{change}", "Agent state transitions, by new state", [
        "new_state",
        "status"
      ])
    ]
  },
  { agent_id: Id, new_state: OpenLabel(32), has_hook_bead: Schema.Boolean, status: Status, error: ErrorMessage }
)

/**
 * A polecat started.
 *
 * @since 0.1.0
 * @category events
 */
export const PolecatSpawn = make(
  "polecat.spawn",
  {
    emitter: "gt",
    description: "A polecat started",
    metrics: [counter("gastown_polecat_spawns_total", "{polecat}", "Polecat starts", ["status"])]
  },
  { name: Id, status: Status, error: ErrorMessage }
)

/**
 * A polecat removed.
 *
 * @since 0.1.0
 * @category events
 */
export const PolecatRemove = make(
  "polecat.remove",
  {
    emitter: "gt",
    description: "A polecat removed",
    metrics: [counter("gastown_polecat_removes_total", "{polecat}", "Polecat removals", ["status"])]
  },
  { name: Id, status: Status, error: ErrorMessage }
)

/**
 * A `gt sling` dispatch of a bead to a target.
 *
 * @since 0.1.0
 * @category events
 */
export const Sling = make(
  "sling",
  {
    emitter: "gt",
    description: "A `gt sling` dispatch",
    metrics: [counter("gastown_sling_dispatches_total", "{dispatch}", "`gt sling` dispatches", ["status"])]
  },
  { bead: Id, target: Id, status: Status, error: ErrorMessage }
)

/**
 * A mail operation through bd.
 *
 * @since 0.1.0
 * @category events
 */
export const Mail = make(
  "mail",
  {
    emitter: "gt",
    description: "A bd mail operation",
    metrics: [
      counter("gastown_mail_operations_total", "{operation}", "bd mail operations, by operation", [
        "operation",
        "status"
      ])
    ]
  },
  { operation: OpenLabel(16), status: Status, error: ErrorMessage }
)

/**
 * A `gt nudge` of a target.
 *
 * @since 0.1.0
 * @category events
 */
export const Nudge = make(
  "nudge",
  {
    emitter: "gt",
    description: "A `gt nudge`",
    metrics: [counter("gastown_nudge_total", "{nudge}", "`gt nudge` calls", ["status"])]
  },
  { target: Id, status: Status, error: ErrorMessage }
)

/**
 * How a `gt done` ended the work.
 *
 * @since 0.1.0
 * @category events
 */
export const ExitType = Schema.Literals(["COMPLETED", "ESCALATED", "DEFERRED"])

/**
 * A `gt done`.
 *
 * @since 0.1.0
 * @category events
 */
export const Done = make(
  "done",
  {
    emitter: "gt",
    description: "A `gt done`",
    metrics: [counter("gastown_done_total", "{run}", "`gt done` runs, by exit type", ["exit_type", "status"])]
  },
  { exit_type: ExitType, status: Status, error: ErrorMessage }
)

/**
 * An agent restarted by the daemon.
 *
 * @since 0.1.0
 * @category events
 */
export const DaemonRestart = make(
  "daemon.restart",
  {
    emitter: "gt",
    description: "A daemon-initiated agent restart",
    metrics: [
      counter("gastown_daemon_agent_restarts_total", "{restart}", "Daemon-initiated agent restarts, by agent type", [
        "agent_type"
      ])
    ]
  },
  { agent_type: OpenLabel(32) }
)

/**
 * A formula instantiated on a bead.
 *
 * @since 0.1.0
 * @category events
 */
export const FormulaInstantiate = make(
  "formula.instantiate",
  {
    emitter: "gt",
    description: "A formula instantiation",
    metrics: [
      counter("gastown_formula_instantiations_total", "{instantiation}", "Formula instantiations, by formula", [
        "formula_name",
        "status"
      ])
    ]
  },
  { formula_name: OpenLabel(64), bead_id: Id, status: Status, error: ErrorMessage }
)

/**
 * An automatic convoy created for a bead.
 *
 * @since 0.1.0
 * @category events
 */
export const ConvoyCreate = make(
  "convoy.create",
  {
    emitter: "gt",
    description: "An auto-convoy creation",
    metrics: [counter("gastown_convoy_creates_total", "{convoy}", "Auto-convoy creations", ["status"])]
  },
  { bead_id: Id, status: Status, error: ErrorMessage }
)
