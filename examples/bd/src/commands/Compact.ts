/**
 * `bd compact`: shortens closed issues to a summary, keeping the store small.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import type * as Db from "../Db.ts"
import * as ModelStandIn from "../ModelStandIn.ts"
import { Store } from "../Store.ts"
import * as Traced from "../Traced.ts"

// Without a model, the title and the description's first line are kept.
const firstLine = (issue: Db.Issue) => `${issue.title}: ${issue.description?.split("\n", 1)[0] ?? ""}`.trimEnd()

/**
 * `bd compact [--ai]`
 */
export const compact = Command.make(
  "compact",
  {
    ai: Flag.Boolean("ai").pipe(
      Flag.withDescription(`Summarize with a model (${ModelStandIn.name}, simulated offline)`),
      Flag.withDefault(false)
    )
  },
  Effect.fnUntraced(function* (input) {
    const store = yield* Store
    const closed = (yield* store.list).filter((i) => i.status === "closed" && i.compacted !== true)
    if (closed.length === 0) return yield* Console.log("Nothing to compact.")
    // Summaries are made before the store is locked for the write: a model call can take
    // seconds, and other bd processes must not wait for it.
    const summaries = yield* Effect.forEach(closed, (issue) =>
      input.ai
        ? ModelStandIn.summarize(issue.title, issue.description ?? "").pipe(
            Effect.map((c) => [issue.id, c.text] as const)
          )
        : Effect.succeed([issue.id, firstLine(issue)] as const)
    )
    const count = yield* store.compact(new Map(summaries))
    yield* Console.log(`Compacted ${count} closed issue${count === 1 ? "" : "s"}.`)
  }, Traced.command("compact"))
).pipe(Command.withDescription("Replace closed issues' descriptions with a summary"))
