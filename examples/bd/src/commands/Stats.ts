/**
 * `bd stats`: issues per status; records the issue counts.
 */
import { BdEvents } from "@gastown-otel/schema"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as IssueCounts from "../IssueCounts.ts"
import { Store } from "../Store.ts"
import * as Table from "../Table.ts"
import * as Traced from "../Traced.ts"
import * as Flags from "./Flags.ts"

/**
 * `bd stats [--json]`: `{ "total": n, "by_status": { "open": n, … } }` with `--json`.
 */
export const stats = Command.make(
  "stats",
  { json: Flags.json },
  Effect.fnUntraced(function* (input) {
    const issues = yield* Store.use((store) => store.list)
    const counts = IssueCounts.count(issues)
    yield* IssueCounts.record(counts)
    if (input.json) return yield* Console.log(Flags.toJson({ total: issues.length, by_status: counts }))
    const rows = BdEvents.IssueStatus.literals.map((status) => [status, String(counts[status])])
    yield* Console.log(
      Table.render(
        [{ header: "STATUS" }, { header: "ISSUES", align: "right" }],
        [...rows, ["total", String(issues.length)]]
      )
    )
  }, Traced.command("stats"))
).pipe(Command.withDescription("Count issues by status"))
