// The instrumentation scope our records are sent under, by every exporter.
import type { Scope } from "../OtlpData.ts"

export const scope: Scope = { name: "@gastown-otel/telemetry", version: "0.1.0" }
