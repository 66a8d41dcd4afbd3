/**
 * The JSON the receiver's page reads from `/api/gastown/...`: shapes shared by the routes
 * that write it and the page that draws it. Types only; the server checks its values against
 * them when it builds them.
 *
 * @since 0.1.0
 */

/**
 * One query of a time series panel.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly expr: string
  readonly legend: string
}

/**
 * A panel of the dashboards, as the stack's panel list defines it.
 *
 * @since 0.1.0
 * @category models
 */
export type Panel =
  | {
      readonly kind: "timeseries"
      readonly title: string
      readonly description: string
      readonly unit: string
      readonly style: "bars" | "lines" | "steps"
      readonly targets: ReadonlyArray<Target>
    }
  | { readonly kind: "logs"; readonly title: string; readonly description: string; readonly expr: string }

/**
 * A dashboard: sections of panels.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dashboard {
  readonly uid: string
  readonly title: string
  readonly sections: ReadonlyArray<{ readonly title: string; readonly panels: ReadonlyArray<Panel> }>
}

/**
 * A dashboard variable: its name (`rig`), correlation key (`gt.rig`) and metric label (`gt_rig`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Variable {
  readonly name: string
  readonly key: string
  readonly label: string
}

/**
 * `GET /api/gastown/dashboards`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dashboards {
  readonly dashboards: ReadonlyArray<Dashboard>
  readonly variables: ReadonlyArray<Variable>
  /** What "All" stands for in a query. */
  readonly allValue: string
  /** The LogsQL filter of the variables (`gt.rig:~"^${rig}$" …`), for the live tail. */
  readonly logsFilter: string
}

/**
 * A span as stored (the receiver's `Span`), with its depth in the trace's tree.
 *
 * @since 0.1.0
 * @category models
 */
export interface Span {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string
  readonly name: string
  readonly kind: number
  /** Unix nanoseconds, as decimal strings (exact). */
  readonly startNs: string
  readonly endNs: string
  readonly attributes: Readonly<Record<string, string>>
  readonly events: ReadonlyArray<{
    readonly timeNs: string
    readonly name: string
    readonly attributes: Readonly<Record<string, string>>
  }>
  /** OTLP status: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string }
  readonly resource: Readonly<Record<string, string>>
}

/**
 * One trace in the list of recent traces.
 *
 * @since 0.1.0
 * @category models
 */
export interface TraceSummary {
  readonly traceId: string
  /** The root span's name (the earliest span's when the root is missing). */
  readonly name: string
  readonly service: string
  readonly startNs: string
  readonly durationMs: number
  readonly spans: number
  readonly services: ReadonlyArray<string>
  /** Spans with an error status. */
  readonly errors: number
  /** The root's correlation labels, by variable name. */
  readonly labels: Readonly<Record<string, string>>
}

/**
 * `GET /api/gastown/traces`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Traces {
  readonly traces: ReadonlyArray<TraceSummary>
}

/**
 * A log record of a trace, tied to its span.
 *
 * @since 0.1.0
 * @category models
 */
export interface TraceLog {
  readonly spanId: string
  readonly timeNs: string
  readonly fields: Readonly<Record<string, string>>
}

/**
 * `GET /api/gastown/traces/<id>`: the spans depth first (children by start time), and the
 * trace's log records oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Trace {
  readonly traceId: string
  readonly spans: ReadonlyArray<Span & { readonly depth: number }>
  readonly logs: ReadonlyArray<TraceLog>
}

/**
 * One agent's activity: what a Gas Town user asks first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Agent {
  /** The correlation labels, by variable name (`rig`, `role`, `agent`); "" when unset. */
  readonly labels: Readonly<Record<string, string>>
  /** bd calls made by gt for this agent, and how many failed. */
  readonly bdCalls: number
  readonly bdErrors: number
  /** Claude sessions started. */
  readonly sessions: number
  /** Records of any event with an error status. */
  readonly errors: number
  readonly records: number
  readonly lastNs: string
  readonly lastEvent: string
}

/**
 * `GET /api/gastown/agents`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Agents {
  readonly agents: ReadonlyArray<Agent>
}

/**
 * One server-sent event of `GET /api/gastown/changes`: what the store holds, sent whenever
 * it changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Changes {
  readonly samples: number
  readonly records: number
  readonly spans: number
}

/**
 * How much of one part of the catalogue was seen.
 *
 * @since 0.1.0
 * @category models
 */
export interface Coverage {
  readonly seen: number
  readonly total: number
  /** Catalogue names with nothing in the range. */
  readonly missing: ReadonlyArray<string>
}

/**
 * One problem `gastown-otel check` found with a series name or event.
 *
 * @since 0.1.0
 * @category models
 */
export interface Finding {
  readonly kind: string
  readonly signal: "metrics" | "logs"
  readonly subject: string
  readonly attribute?: string
  readonly value?: string
  readonly expected?: string
  readonly count: number
  readonly message: string
}

/**
 * `GET /api/gastown/check`: what arrived, held against the catalogue.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckReport {
  readonly range: { readonly startMs: number; readonly endMs: number }
  readonly checked: {
    readonly series: number
    readonly records: number
    readonly skippedSeries: number
    readonly skippedRecords: number
  }
  readonly findings: ReadonlyArray<Finding>
  readonly coverage: { readonly events: Coverage; readonly metrics: Coverage }
}
