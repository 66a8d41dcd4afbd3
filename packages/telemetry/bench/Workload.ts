// The export benches' work (bench/export.ts), done alike by our pipeline (OursPipeline.ts) and
// the SDK's (SdkPipeline.ts): bd.call events, each in a span of its own carrying the labels, so
// each event makes its metric points, a log record, and a span with the record as its event.
// Each pipeline is a module of its own, so a memory round loads only the one it measures.
import { Resource } from "@gastown-otel/schema"
import * as Events from "./Events.ts"

export const events = Events.pool("bd.call")
export const mask = Events.poolSize - 1
export const spanName = "gt bd"

export const resource = {
  [Resource.keys.serviceName]: Resource.serviceNames.gt,
  [Resource.keys.serviceVersion]: "0.1.0",
  [Resource.keys.hostName]: "bench-host"
}

/** Both yield to the event loop this often, as a program doing other work does. */
export const yieldEvery = 1_000
/** Items a request at most, and how often both export. */
export const batch = 1_000
export const exportIntervalMs = 1_000

export interface Run {
  /** The endpoint's base URL. */
  readonly url: string
  readonly events: number
  /**
   * Called once the last event is emitted, before the pipeline shuts down, with ours's state
   * directory.
   */
  readonly measure?: ((stateDir?: string) => void) | undefined
}
