// gastown-otel check over HTTP: the report printed (what was checked, the findings, the
// coverage line), exit 1 on findings, and --json equal to the receiver's /api/gastown/check.
import { assert, layer } from "@effect/vitest"
import { Catalogue, Resource } from "@gastown-otel/schema"
import { Effect, Exit, Schema } from "effect"
import * as Check from "../../src/check/Check.ts"
import * as CheckRoute from "../../src/check/Route.ts"
import { attributes, encodeLogs, nanos } from "../support/Official.ts"
import * as Receiver from "../support/Receiver.ts"
import * as RunCli from "../support/RunCli.ts"

const entry = Catalogue.entries.find((e) => e.statusField !== undefined && e.spec.emitter === "gt")!
const unknown = `${entry.spec.name}.unknown`
const t0 = Date.now() - 10_000

// A gt record of an unknown event, and one of `entry` with a status that is neither ok nor error.
const body = encodeLogs({
  resourceLogs: [
    {
      resource: { attributes: attributes({ [Resource.keys.serviceName]: Resource.serviceNames.gt }) },
      scopeLogs: [
        {
          logRecords: [
            { timeUnixNano: nanos(t0), severityText: "INFO", body: { stringValue: unknown } },
            {
              timeUnixNano: nanos(t0 + 1),
              severityText: "INFO",
              body: { stringValue: entry.spec.name },
              attributes: attributes({ [entry.statusField!]: "maybe" })
            }
          ]
        }
      ]
    }
  ]
})

const seeded = Receiver.seeded({ logs: [body] })

layer(seeded, { excludeTestServices: true })("gastown-otel check", (it) => {
  const urls = Effect.map(Receiver.TestReceiver, ({ receiver }) => [
    "--url",
    receiver.metricsUrl,
    "--logs-url",
    receiver.logsUrl
  ])

  it.effect("prints the report and exits 1 on findings", () =>
    Effect.gen(function* () {
      const ran = yield* RunCli.run(["check", ...(yield* urls)])
      assert.isTrue(Exit.isFailure(ran.exit))
      assert.match(ran.stdout[0]!, /^checked 0 series and 2 records of gt and bd from \S+ to \S+$/)
      const table = ran.stdout.slice(1, -2)
      assert.match(table[0]!, /^finding\s+count\s+detail$/)
      const kinds = table.slice(1).map((line) => line.split(/\s+/)[0])
      assert.includeMembers(kinds, ["unknown-event", "invalid-value"])
      assert.strictEqual(
        ran.stdout.at(-2),
        `coverage: events 1/${Catalogue.entries.length} (${Math.floor(100 / Catalogue.entries.length)}%), metrics 0/${Catalogue.metrics.length} (0%)`
      )
      assert.match(ran.stdout.at(-1)!, /^not seen: /)
      assert.deepStrictEqual(ran.stderr, [`gastown-otel: ${table.length - 1} findings`])
    })
  )

  it.effect("--json prints the report the receiver's check route gives", () =>
    Effect.gen(function* () {
      const { receiver } = yield* Receiver.TestReceiver
      const ran = yield* RunCli.run(["check", "--json", "--since", "1h", ...(yield* urls)])
      assert.isTrue(Exit.isFailure(ran.exit))
      const cli = Schema.decodeUnknownSync(Check.Report)(JSON.parse(ran.stdout.join("\n")))
      const answer = yield* Receiver.get(`${receiver.metricsUrl}${CheckRoute.path}?since=1h`)
      const route = Schema.decodeUnknownSync(Check.Report)(JSON.parse(answer.body))
      assert.deepStrictEqual({ ...cli, range: undefined }, { ...route, range: undefined })
      assert.isAbove(cli.findings.length, 0)
    })
  )
})
