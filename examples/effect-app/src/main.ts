// A small Effect program reporting through @gastown-otel/telemetry, as the README shows
// (`npx effect-app`): run with GT_OTEL_METRICS_URL / GT_OTEL_LOGS_URL set, and its events
// reach the stack.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { Console, Duration, Effect } from "effect"

// Stands in for real work: a lookup that takes a few milliseconds.
const lookup = (subcommand: string) =>
  Effect.gen(function* () {
    const [elapsed] = yield* Effect.timed(Effect.sleep("5 millis"))
    const duration_ms = Duration.toMillis(elapsed)
    yield* Telemetry.emit({ _tag: "bd.call", subcommand, args: "--json", duration_ms, status: "ok" })
  })

const sling = Effect.gen(function* () {
  yield* Effect.forEach(["show", "update"], lookup, { discard: true })
  yield* Telemetry.emit({ _tag: "sling", bead: "bd-1", target: "mol/polecats/jana", status: "ok" })
  yield* Console.log("slung bd-1 to mol/polecats/jana")
}).pipe(Labels.withSpan("effect-app sling"), Labels.withLabels({ "gt.rig": "mol", "gt.agent": "jana" }))

sling.pipe(Effect.provide(Telemetry.layerConfig("gt", { version: "0.1.0" })), NodeRuntime.runMain)
