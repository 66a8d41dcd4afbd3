// When one machine is not enough (README): the same GT_OTEL_* / BD_OTEL_* variables pointed
// at a VictoriaMetrics cluster's vminsert (the tenant in the path) and a VictoriaLogs
// cluster's vlinsert (the tenant in AccountID / ProjectID headers, through
// OTEL_EXPORTER_OTLP_LOGS_HEADERS). Real gt and bd send to a capture endpoint shaped so;
// what arrived is decoded with the testkit's independent decoder.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Endpoints, Resource } from "@gastown-otel/schema"
import { CaptureServer, Cli } from "@gastown-otel/testkit"
import { attributesOf, type DecodedResource, decodeLogs, decodeMetrics } from "@gastown-otel/testkit/OtlpDecode"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Effect } from "effect"

const tenant = { accountId: "12", projectId: "34" }
// vminsert: /insert/<accountID>[:<projectID>]/ before the single-node path.
const vminsertPath = `/insert/${tenant.accountId}:${tenant.projectId}${Endpoints.paths.metrics}`
// vlinsert: the single-node path; the tenant travels in headers.
const vlinsertPath = Endpoints.paths.logs
const logsHeaders = `AccountID=${tenant.accountId},ProjectID=${tenant.projectId}`

const serviceOf = (resource: DecodedResource | undefined) =>
  attributesOf(resource?.attributes ?? [])[Resource.keys.serviceName]

describe("gt and bd against a VictoriaMetrics and a VictoriaLogs cluster", () => {
  it.live(
    "metrics to vminsert's tenant path, logs to vlinsert with the tenant headers, from both programs",
    () =>
      Effect.gen(function* () {
        const capture = yield* CaptureServer.start()
        const sandbox = yield* Cli.sandbox
        const urls = Object.fromEntries(
          (["gt", "bd"] as const).flatMap((program) => {
            const variables = TelemetryConfig.urlVariables(program)
            return [
              [variables.metrics, capture.url + vminsertPath],
              [variables.logs, capture.url + vlinsertPath]
            ]
          })
        )
        const ran = yield* Cli.run("gt", ["status"], {
          ...sandbox.env,
          ...urls,
          ...Cli.patientFlush,
          OTEL_EXPORTER_OTLP_LOGS_HEADERS: logsHeaders,
          GT_RIG: "mol"
        })
        assert.strictEqual(ran.code, 0, ran.stderr)

        assert.sameMembers([...new Set(capture.requests.map((r) => r.path))], [vminsertPath, vlinsertPath])
        const metricRequests = capture.byPath(vminsertPath)
        const logRequests = capture.byPath(vlinsertPath)

        // Logs carry the tenant, metrics (whose tenant is in the path) do not.
        for (const request of logRequests) {
          assert.strictEqual(request.headers["accountid"], tenant.accountId)
          assert.strictEqual(request.headers["projectid"], tenant.projectId)
        }
        for (const request of metricRequests) assert.isUndefined(request.headers["accountid"])

        const metrics = metricRequests.flatMap((r) => decodeMetrics(r.body).resourceMetrics)
        const records = logRequests.flatMap((r) => decodeLogs(r.body).resourceLogs)
        const services = Object.values(Resource.serviceNames).filter((s) => s !== Resource.serviceNames.daemon)
        assert.sameMembers([...new Set(metrics.map((m) => serviceOf(m.resource)))], services)
        assert.sameMembers([...new Set(records.map((r) => serviceOf(r.resource)))], services)

        // What each program says it did: gt's bd calls, bd's own commands, all catalogue names.
        const names = new Set(metrics.flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name))))
        const catalogue = new Set(Catalogue.metrics.map((m) => m.name))
        for (const n of names) assert.isTrue(catalogue.has(n!), `${n} is a catalogue metric`)
        const bodies = records.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.body?.stringValue)))
        const byEmitter = (emitter: string) =>
          Catalogue.entries.filter((e) => e.spec.emitter === emitter).map((e) => e.spec.name)
        assert.isTrue(
          bodies.some((b) => byEmitter("gt").includes(b!)),
          "gt's events"
        )
        assert.isTrue(
          bodies.some((b) => byEmitter("bd").includes(b!)),
          "bd's events"
        )
      }),
    60_000
  )
})
