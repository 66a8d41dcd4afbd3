/**
 * @since 0.1.0
 */
export * as Compose from "./Compose.ts"
export * as Dashboards from "./Dashboards.ts"
export * as Docs from "./Docs.ts"
export * as Document from "./Document.ts"
export * as Files from "./Files.ts"
export * as Grafana from "./Grafana.ts"
export * as Panels from "./Panels.ts"
export * as Queries from "./Queries.ts"
