// The receiver's page in a real browser (Debian's Chromium through playwright-core) against a
// real `gastown-otel serve` process, after a small Gas Town day of the example CLIs in two
// rigs and three agents, one sling failing: the dashboards draw series, the rig picker
// narrows them, the tail shows records, the waterfall shows gt's spans over bd's and links
// spans and records both ways, the agents view counts and updates live, the coverage view
// agrees with the check. Screenshots go to test/artifacts/.
import { assert, describe, it } from "@effect/vitest"
import { Annotations, Catalogue, GtEvents, Naming, Resource } from "@gastown-otel/schema"
import { TelemetryConfig } from "@gastown-otel/telemetry"
import { Cli } from "@gastown-otel/testkit"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"
import type * as Api from "../src/page/Api.ts"
import * as Server from "../src/Server.ts"
import * as Probes from "./browser/Probes.ts"
import * as Browser from "./support/Browser.ts"
import * as Receiver from "./support/Receiver.ts"
import * as Serve from "./support/Serve.ts"

const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url))

const bdCall = Annotations.eventSpec(GtEvents.BdCall)!.name
const bdCallsPanel = Naming.promCompatible(
  Catalogue.metrics.find((m) => m.event === bdCall && m.kind === "counter")!.name
)

// Every program's endpoints on the receiver, traces on the metrics port.
const telemetryAt = (running: Serve.Running) =>
  Object.fromEntries(
    (["gt", "bd"] as const).flatMap((program) => {
      const v = TelemetryConfig.urlVariables(program)
      return [
        [v.metrics, running.metricsUrl + Server.paths.metrics[0]],
        [v.logs, running.logsUrl + Server.paths.logs[0]],
        [v.traces, running.metricsUrl + Server.paths.traces[0]]
      ]
    })
  )

const agents = {
  jana: { GT_RIG: "mol", GT_ROLE: "mol/polecats/jana", GT_POLECAT: "jana" },
  max: { GT_RIG: "mol", GT_ROLE: "mol/crew/max", GT_CREW: "max" },
  toast: { GT_RIG: "wasp", GT_ROLE: "wasp/polecats/toast", GT_POLECAT: "toast" }
} as const

const ms = <A>(p: Promise<A>): Effect.Effect<A> => Effect.promise(() => p)

const pickRig = async (page: Page, rig: string) => {
  await page.click('.picker[data-variable="rig"] summary')
  await page.check(`.picker[data-variable="rig"] input[data-value="${rig}"]`)
}

// Polls `read` until `ok` holds of its value, for at most 30 s.
const until = <A>(read: () => Promise<A>, ok: (a: A) => boolean, what: string): Effect.Effect<A> =>
  Effect.promise(async () => {
    const deadline = Date.now() + 30_000
    for (;;) {
      const value = await read()
      if (ok(value)) return value
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })

describe("the receiver's page", () => {
  it.live(
    "draws the dashboards, tail, waterfall and agents of a Gas Town day, narrowed by rig",
    () =>
      Effect.gen(function* () {
        const running = yield* Serve.start(path.join(yield* Receiver.tempDir, "data"))
        const { dir } = yield* Cli.sandbox
        // Each agent its own telemetry state: processes sharing one may leave their counts to a
        // later process when the state's lock is busy, and this test reads the day right after.
        const run = (program: "gt" | "bd", args: ReadonlyArray<string>, agent: Record<string, string>, ok = true) =>
          Effect.map(
            Cli.run(program, args, {
              ...telemetryAt(running),
              ...Cli.patientFlush,
              ...agent,
              BD_DB: path.join(dir, `${agent["GT_RIG"]}.json`),
              GT_OTEL_STATE_DIR: path.join(dir, `state-${agent["GT_ROLE"]!.replaceAll("/", "-")}`)
            }),
            (ran) => assert.strictEqual(ran.code === 0, ok, `${program} ${args.join(" ")}: ${ran.stderr}`)
          )
        // Three agents at once, each agent's commands in order.
        yield* Effect.all(
          [
            Effect.all([
              run("bd", ["create", "Fix the flaky test"], agents.jana),
              run("gt", ["sling", "bd-1", "mol/polecats/jana"], agents.jana),
              run("gt", ["sling", "bd-99", "mol/polecats/jana"], agents.jana, false)
            ]),
            run("gt", ["status"], agents.max),
            Effect.all([run("bd", ["create", "Tune the hive"], agents.toast), run("gt", ["status"], agents.toast)])
          ],
          { concurrency: "unbounded" }
        )

        const context = yield* Browser.launch
        const page = yield* ms(context.newPage())
        const problems: Array<string> = []
        page.on("pageerror", (e) => problems.push(String(e)))
        page.on("console", (m) => (m.type() === "error" ? problems.push(m.text()) : undefined))
        fs.mkdirSync(artifacts, { recursive: true })

        // The dashboard: bd calls by subcommand and status, drawn on the canvas.
        yield* ms(page.goto(`${running.metricsUrl}/#/d/gastown`))
        const chart = () => page.evaluate(Probes.chart, bdCallsPanel)
        const all = yield* until(chart, (c) => c.points > 0, "bd calls drawn")
        // list and stats (gt status), show (ok and failed) and update (gt sling)
        assert.strictEqual(all.series, 5)
        assert.isAbove(all.coloured, 50, "bars painted on the canvas")
        // Panels load on their own: the logs panels may come after the chart.
        yield* until(
          () =>
            page.locator(".panel[data-kind=logs]").evaluateAll((els) => els.map((e) => e.getAttribute("data-records"))),
          (listed) => listed.some((n) => Number(n) > 0),
          "a logs panel listing records"
        )
        yield* ms(page.screenshot({ path: path.join(artifacts, "dashboard.png") }))

        yield* ms(pickRig(page, "wasp"))
        const wasp = yield* until(chart, (c) => c.series === 2, "bd calls of wasp only")
        assert.isAbove(wasp.coloured, 0)
        assert.include(page.url(), "var-rig=wasp")

        // The live tail: the records of wasp, then of every rig.
        yield* ms(page.click("nav a:text('Live tail')"))
        const tail = () => page.evaluate(Probes.tailRecords)
        const waspRecords = yield* until(tail, (n) => n > 0, "tail records of wasp")
        const rigs = yield* ms(page.locator('.tail-list .log-row .label[title="gt.rig"]').allTextContents())
        assert.deepStrictEqual([...new Set(rigs)], ["wasp"])
        yield* ms(pickRig(page, "All"))
        yield* until(tail, (n) => n > waspRecords, "tail records of every rig")
        // The failed sling's records are coloured as errors.
        yield* until(
          () => page.locator(".tail-list .log-row").evaluateAll((rows) => rows.map((r) => r.className)),
          (classes) => classes.some((c) => c.includes("sev-error")),
          "an error record in the tail"
        )
        yield* ms(page.screenshot({ path: path.join(artifacts, "tail.png") }))
        // A click on a record's gt.* value filters the tail by it.
        const agentLabels = page.locator('.tail-list .label[title="gt.agent"]')
        yield* ms(
          agentLabels
            .filter({ hasText: /^toast$/ })
            .first()
            .click()
        )
        yield* until(
          () => agentLabels.allTextContents(),
          (shown) => shown.length > 0 && shown.every((a) => a === "toast"),
          "the tail of toast"
        )
        assert.strictEqual(yield* ms(page.inputValue(".tail-filter")), 'gt.agent:="toast"')

        // From a record of a bd call to its span in the waterfall.
        const link = page.locator(".tail-list .log-row", { hasText: bdCall }).first().locator(".trace-link")
        const [, traceId, spanId] = /#\/traces\/(\w+)\/(\w+)/.exec((yield* ms(link.getAttribute("href"))) ?? "")!
        yield* ms(link.click())
        yield* ms(page.waitForSelector(`.waterfall[data-trace="${traceId}"] .span-row.selected[data-span="${spanId}"]`))
        assert.include(yield* ms(page.textContent(".span-detail")), bdCall)

        // The failed sling: gt's span over the bd subprocess's spans, one trace.
        yield* ms(page.click(".trace-item.failed"))
        yield* ms(page.waitForSelector(".waterfall .span-row.failed"))
        const rows = yield* ms(page.evaluate(Probes.spanRows))
        assert.deepInclude(rows[0], { service: Resource.serviceNames.gt, depth: 0 })
        const bdRows = rows.filter((r) => r.service === Resource.serviceNames.bd)
        assert.isAbove(bdRows.length, 0, "bd's spans in gt's trace")
        for (const r of bdRows) assert.isAbove(r.depth, 0)
        // From a span to its log records, each carrying the span's id.
        yield* ms(page.click(`.span-row[data-span="${bdRows[0]!.span}"]`))
        yield* ms(page.waitForSelector(".span-logs .log-row"))
        const spansOfLogs = yield* ms(
          page.locator(".span-logs .log-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-span")))
        )
        assert.deepStrictEqual([...new Set(spansOfLogs)], [bdRows[0]!.span])
        yield* ms(page.screenshot({ path: path.join(artifacts, "waterfall.png") }))

        const traceItems = () => page.locator(".trace-item").count()
        const allTraces = yield* ms(traceItems())
        yield* ms(pickRig(page, "wasp"))
        assert.isAbove(yield* until(traceItems, (n) => n < allTraces, "traces of wasp only"), 0)

        // The agents view, on every rig again.
        yield* ms(page.goto(`${running.metricsUrl}/#/agents`))
        yield* ms(page.waitForSelector(".agents-table tbody tr"))
        const byAgent = Object.fromEntries((yield* ms(page.evaluate(Probes.agents))).map((r) => [r.agent, r]))
        // show and update for bd-1, show for bd-99 (failed)
        assert.deepInclude(byAgent["jana"], { bdCalls: 3, bdErrors: 1 })
        assert.deepInclude(byAgent["max"], { bdCalls: 2, bdErrors: 0 })
        assert.deepInclude(byAgent["toast"], { bdCalls: 2, bdErrors: 0 })
        yield* ms(page.screenshot({ path: path.join(artifacts, "agents.png") }))
        // Live: another command's telemetry shows without a reload.
        yield* run("gt", ["status"], agents.toast)
        yield* until(
          () => page.evaluate(Probes.agents),
          (rows) => rows.find((r) => r.agent === "toast")?.bdCalls === 4,
          "toast's second gt status counted"
        )

        // The same counts from the JSON route, narrowed by rig.
        const waspAgents = yield* ms(
          fetch(`${running.metricsUrl}/api/gastown/agents?rig=wasp`).then((r) => r.json() as Promise<Api.Agents>)
        )
        assert.deepStrictEqual(
          waspAgents.agents.map((a) => [a.labels["agent"], a.bdCalls]),
          [["toast", 4]]
        )
        // The catalogue's coverage, as gastown-otel check counts it.
        const check = yield* ms(
          fetch(`${running.metricsUrl}/api/gastown/check`).then((r) => r.json() as Promise<Api.CheckReport>)
        )
        assert.isAbove(check.coverage.events.seen, 0)
        yield* ms(page.click("nav a:text('Coverage')"))
        const events = page.locator('.coverage[data-part="events"] .coverage-count')
        yield* ms(events.waitFor())
        assert.match(
          (yield* ms(events.textContent())) ?? "",
          new RegExp(`^${check.coverage.events.seen} of ${check.coverage.events.total} seen`)
        )
        yield* ms(page.screenshot({ path: path.join(artifacts, "coverage.png") }))
        assert.deepStrictEqual(problems, [])
      }).pipe(Effect.scoped),
    // A loaded machine runs the CLIs slowly: ~20 s alone, more beside other work.
    120_000
  )
})
