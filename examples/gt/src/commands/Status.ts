/**
 * `gt status`: the town at a glance, from two bd calls.
 */
import { Labels } from "@gastown-otel/telemetry"
import { Console, Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { Bd } from "../Bd.ts"
import * as BdOutput from "../BdOutput.ts"
import * as Table from "../Table.ts"

const report = (stats: typeof BdOutput.Stats.Type, working: ReadonlyArray<typeof BdOutput.Issue.Type>) =>
  [
    Table.render([
      ["STATUS", "ISSUES"],
      ...Object.entries(stats.by_status).map(([status, count]) => [status, String(count)]),
      ["total", String(stats.total)]
    ]),
    working.length === 0 ? "Nothing in progress." : Table.render(working.map((i) => [i.id, i.title]))
  ].join("\n\n")

export const status = Command.make(
  "status",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("Print JSON for machines"), Flag.withDefault(false)) },
  ({ json }) =>
    Effect.gen(function* () {
      const bd = yield* Bd
      const [issues, stats] = yield* Effect.all(
        [
          bd.call("list", ["--json"]).pipe(Effect.flatMap(BdOutput.decode(Schema.Array(BdOutput.Issue), "bd list"))),
          bd.call("stats", ["--json"]).pipe(Effect.flatMap(BdOutput.decode(BdOutput.Stats, "bd stats")))
        ],
        { concurrency: "unbounded" }
      )
      const working = issues.filter((issue) => issue.status === "in_progress")
      yield* Console.log(json ? JSON.stringify({ stats, in_progress: working }, null, 2) : report(stats, working))
    }).pipe(Labels.withSpan("gt status"))
).pipe(Command.withDescription("Show the town's work: issues by status and what is in progress"))
