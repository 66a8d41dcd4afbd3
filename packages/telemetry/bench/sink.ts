// The local OTLP endpoint of the export bench, in a process of its own (forked by
// bench/export.ts) so that what it spends receiving is not counted as the exporter's. A
// capture server answering 200 to everything; asked over the IPC channel, it reports what
// arrived since it was last asked (log records and spans counted by the independent decoder,
// request bodies in bytes) and forgets it.
import { Endpoints } from "@gastown-otel/schema"
import { CaptureServer } from "@gastown-otel/testkit"
import { decodeLogs, decodeTraces } from "@gastown-otel/testkit/OtlpDecode"
import { Effect } from "effect"

export interface Arrived {
  readonly records: number
  readonly spans: number
  readonly bytes: number
}

const { paths } = Endpoints

const arrived = (server: CaptureServer.CaptureServer): Arrived => ({
  records: server
    .accepted(paths.logs)
    .reduce(
      (n, r) => n + decodeLogs(r.body).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)).length,
      0
    ),
  spans: server
    .accepted(paths.traces)
    .reduce(
      (n, r) => n + decodeTraces(r.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)).length,
      0
    ),
  bytes: server.requests.filter((r) => (r.status ?? 0) < 300).reduce((n, r) => n + r.body.byteLength, 0)
})

if (process.send !== undefined) {
  process.on("disconnect", () => process.exit(0))
  Effect.runFork(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* CaptureServer.start()
        process.on("message", () => {
          const report = arrived(server)
          server.requests.length = 0
          process.send!(report)
        })
        process.send!(server.url)
        return yield* Effect.never
      })
    )
  )
}
