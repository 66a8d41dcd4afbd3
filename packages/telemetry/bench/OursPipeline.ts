// Our side of the export benches (Workload.ts): the live layer, built, used and closed within
// the run as a command's is, every span and record sent before its scope closes.
import { Endpoints } from "@gastown-otel/schema"
import { Labels, Telemetry } from "@gastown-otel/telemetry"
import { TempDir } from "@gastown-otel/testkit"
import { Duration, Effect } from "effect"
import * as Events from "./Events.ts"
import * as Workload from "./Workload.ts"

const { paths } = Endpoints

export const run = (options: Workload.Run): Promise<void> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const stateDir = yield* TempDir.make()
        yield* Effect.gen(function* () {
          for (let i = 0; i < options.events; i++) {
            yield* Telemetry.emit(Workload.events[i & Workload.mask]!).pipe(Labels.withSpan(Workload.spanName))
            if (i % Workload.yieldEvery === Workload.yieldEvery - 1) yield* Effect.sleep(0)
          }
          options.measure?.(stateDir)
        }).pipe(
          Effect.provide(
            Telemetry.layer({
              metricsUrl: options.url + paths.metrics,
              logsUrl: options.url + paths.logs,
              tracesUrl: options.url + paths.traces,
              resource: Workload.resource,
              labels: Events.labels,
              stateDir,
              exportInterval: Duration.millis(Workload.exportIntervalMs),
              // The throughput rounds time the whole delivery.
              shutdownTimeout: "60 seconds"
            })
          )
        )
      })
    )
  )
