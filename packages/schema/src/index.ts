/**
 * @since 0.1.0
 */
export * as Annotations from "./Annotations.ts"
export * as BdEvents from "./BdEvents.ts"
export * as Catalogue from "./Catalogue.ts"
export * as ClaudeCode from "./ClaudeCode.ts"
export * as Correlation from "./Correlation.ts"
export * as Derive from "./Derive.ts"
export * as Endpoints from "./Endpoints.ts"
export * as Event from "./Event.ts"
export * as Fields from "./Fields.ts"
export * as GtEvents from "./GtEvents.ts"
export * as Naming from "./Naming.ts"
export * as Redact from "./Redact.ts"
export * as Resource from "./Resource.ts"
export * as SelfEvents from "./SelfEvents.ts"
export * as Truncate from "./Truncate.ts"
