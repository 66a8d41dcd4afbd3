// Flags the query commands share: where the receiver (or a real VictoriaMetrics /
// VictoriaLogs) answers, JSON output, durations as PromQL spells them.
import { Endpoints } from "@gastown-otel/schema"
import { Option } from "effect"
import { Flag } from "effect/cli"
import type { Tenant } from "../../export/Export.ts"
import * as PromqlDuration from "../../promql/Duration.ts"

export const defaultUrls = {
  metrics: `http://127.0.0.1:${Endpoints.ports.metrics}`,
  logs: `http://127.0.0.1:${Endpoints.ports.logs}`
} as const

// An http(s) base URL, kept without its trailing slashes so paths can be appended.
export const baseUrl = (name: string, description: string) =>
  Flag.String(name).pipe(
    Flag.withDescription(description),
    Flag.filterMap(
      (text) =>
        /^https?:$/.test(URL.parse(text)?.protocol ?? "") ? Option.some(text.replace(/\/+$/, "")) : Option.none(),
      (text) => `--${name}: ${JSON.stringify(text)} is not a URL (http://host:port)`
    )
  )

const base = (name: string, fallback: string, what: string) =>
  baseUrl(name, `${what} (default ${fallback})`).pipe(Flag.withDefault(fallback))

export const url = base("url", defaultUrls.metrics, "The metrics side: gastown-otel serve, VictoriaMetrics or vmselect")

export const logsUrl = base("logs-url", defaultUrls.logs, "The logs side: gastown-otel serve, VictoriaLogs or vlselect")

export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print the server's JSON instead of a table"),
  Flag.withDefault(false)
)

// A positive duration in milliseconds, from `30s`, `5m`, `1h30m`, `7d` or plain seconds.
export const duration = (name: string, description: string) =>
  Flag.String(name).pipe(
    Flag.withDescription(description),
    Flag.filterMap(
      (text) => {
        const ms = PromqlDuration.parseMs(text)
        return ms !== undefined && ms > 0 ? Option.some(ms) : Option.none()
      },
      (text) => `--${name}: ${JSON.stringify(text)} is not a duration such as 30s, 5m, 1h or 7d`
    )
  )

// A VictoriaLogs cluster's tenant, `accountID:projectID`.
export const tenant = (name: string, description: string) =>
  Flag.String(name).pipe(
    Flag.withDescription(description),
    Flag.filterMap(
      (text): Option.Option<Tenant> => {
        const m = /^(\d+):(\d+)$/.exec(text)
        return m === null ? Option.none() : Option.some({ accountId: Number(m[1]), projectId: Number(m[2]) })
      },
      (text) => `--${name}: ${JSON.stringify(text)} is not accountID:projectID, e.g. 12:34`
    ),
    Flag.optional
  )

// The headers VictoriaLogs reads a tenant from.
export const tenantHeaders = (tenant: Option.Option<Tenant>): Record<string, string> =>
  Option.match(tenant, {
    onNone: () => ({}),
    onSome: (t) => ({ AccountID: String(t.accountId), ProjectID: String(t.projectId) })
  })

export const logsTenant = tenant(
  "logs-tenant",
  "The VictoriaLogs cluster tenant to read, accountID:projectID (sent as AccountID/ProjectID headers)"
)
