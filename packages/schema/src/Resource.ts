/**
 * The OTLP resource attribute keys and service names (docs/contract.md#resource-and-correlation-labels), and the
 * standard keys a span carries beside the correlation labels.
 *
 * @since 0.1.0
 */
import type { Emitter } from "./Annotations.ts"

/**
 * Resource attribute keys we set.
 *
 * @since 0.1.0
 * @category resource
 */
export const keys = {
  serviceName: "service.name",
  serviceVersion: "service.version",
  hostName: "host.name"
} as const

/**
 * What a span that failed or was interrupted carries: OpenTelemetry's exception event (its name and attribute
 * keys), and the attribute Effect's tracers set on a span whose fiber was interrupted.
 *
 * @since 0.1.0
 * @category spans
 */
export const spanKeys = {
  exceptionEvent: "exception",
  exceptionType: "exception.type",
  exceptionMessage: "exception.message",
  exceptionStacktrace: "exception.stacktrace",
  interrupted: "effect.fiber.interrupted"
} as const

/**
 * `service.name` per program; a long-running gt process reports as `gastown-daemon`.
 *
 * @since 0.1.0
 * @category resource
 */
export const serviceNames: { readonly [E in Exclude<Emitter, "telemetry">]: string } & { readonly daemon: string } = {
  gt: "gastown",
  bd: "bd",
  daemon: "gastown-daemon"
}
