// The rig/role/agent selection of a `/api/gastown/...` request: one parameter per dashboard
// variable (`rig=mol`, `agent=(jana|toast)`), a regex as Grafana puts it into PromQL, matched
// against the whole value as PromQL matches labels (a missing label reads as ""). A missing
// parameter means "All".
import * as Queries from "@gastown-otel/stack/Queries"
import * as Matchers from "../promql/Matchers.ts"
import type { LabelFilter } from "../traces/TraceView.ts"

// Variable name → correlation key (`rig` → `gt.rig`), the fields records and spans carry.
export const labelKeys: Readonly<Record<string, string>> = Object.fromEntries(
  Queries.variables.map((v) => [v.name, v.key])
)

// Throws a PromqlError naming a pattern that does not compile.
export const filter = (params: URLSearchParams): LabelFilter =>
  Queries.variables.flatMap((v) => {
    const pattern = params.get(v.name)
    if (pattern === null || pattern === Queries.allValue) return []
    const re = Matchers.anchoredRegex(pattern)
    return [{ key: v.key, test: (value: string) => re.test(value) }]
  })
