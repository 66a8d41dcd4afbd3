/**
 * The issue commands: create, list, show, update, close.
 */
import { BdEvents } from "@gastown-otel/schema"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Db from "../Db.ts"
import * as IssueCounts from "../IssueCounts.ts"
import { Store } from "../Store.ts"
import * as Table from "../Table.ts"
import * as Traced from "../Traced.ts"
import * as Flags from "./Flags.ts"

const status = (description: string) =>
  Flag.Literals("status", BdEvents.IssueStatus.literals).pipe(Flag.withAlias("s"), Flag.withDescription(description))

const issueTable = (issues: ReadonlyArray<Db.Issue>) =>
  Table.render(
    [{ header: "ID" }, { header: "P", align: "right" }, { header: "TYPE" }, { header: "STATUS" }, { header: "TITLE" }],
    issues.map((i) => [i.id, `P${i.priority}`, i.issue_type, i.status, i.title])
  )

const issueDetails = (issue: Db.Issue) => {
  const fields: Array<[string, string]> = [
    ["status", issue.status],
    ["type", issue.issue_type],
    ["priority", `P${issue.priority}`],
    ["created", issue.created_at],
    ["updated", issue.updated_at]
  ]
  if (issue.closed_at !== undefined) fields.push(["closed", issue.closed_at])
  const body = issue.description === undefined ? "" : `\n\n${issue.description}`
  return `${issue.id}  ${issue.title}\n\n${Table.align(fields)}${body}`
}

/**
 * `bd create TITLE [--type T] [--priority N] [--description D]`
 */
export const create = Command.make(
  "create",
  {
    title: Argument.String("title").pipe(
      Argument.withDescription("What the issue is about"),
      Argument.withSchema(Schema.NonEmptyString)
    ),
    type: Flag.Literals("type", Db.IssueType.literals).pipe(
      Flag.withAlias("t"),
      Flag.withDescription("The kind of work (default task)"),
      Flag.withDefault("task")
    ),
    priority: Flag.Int("priority").pipe(
      Flag.withAlias("p"),
      Flag.withDescription("0 (most urgent) to 4 (default 2)"),
      Flag.withSchema(Db.Priority),
      Flag.withDefault(2)
    ),
    description: Flag.String("description").pipe(
      Flag.withAlias("d"),
      Flag.withDescription("Details of the issue"),
      Flag.optional
    )
  },
  Effect.fnUntraced(function* (input) {
    const issue = yield* Store.use((store) =>
      store.create({
        title: input.title,
        description: Option.getOrUndefined(input.description),
        issue_type: input.type,
        priority: input.priority
      })
    )
    yield* Console.log(`Created ${issue.id}: ${issue.title}`)
  }, Traced.command("create"))
).pipe(
  Command.withDescription("Create an issue"),
  Command.withExamples([{ command: 'bd create "Fix the login bug" --type bug --priority 1', description: "A P1 bug" }])
)

/**
 * `bd list [--status S] [--json]`; records the issue counts.
 */
export const list = Command.make(
  "list",
  { status: status("Only issues in this status").pipe(Flag.optional), json: Flags.json },
  Effect.fnUntraced(function* (input) {
    const issues = yield* Store.use((store) => store.list)
    yield* IssueCounts.record(IssueCounts.count(issues))
    const shown = Option.match(input.status, {
      onNone: () => issues,
      onSome: (status) => issues.filter((i) => i.status === status)
    })
    if (input.json) return yield* Console.log(Flags.toJson(shown))
    yield* Console.log(shown.length === 0 ? "No issues." : issueTable(shown))
  }, Traced.command("list"))
).pipe(Command.withDescription("List issues"))

/**
 * `bd show ID [--json]`
 */
export const show = Command.make(
  "show",
  { id: Flags.id("issue"), json: Flags.json },
  Effect.fnUntraced(function* (input) {
    const issue = yield* Store.use((store) => store.show(input.id))
    yield* Console.log(input.json ? Flags.toJson(issue) : issueDetails(issue))
  }, Traced.command("show"))
).pipe(Command.withDescription("Show one issue"))

/**
 * `bd update ID --status S`
 */
export const update = Command.make(
  "update",
  { id: Flags.id("issue"), status: status("The new status") },
  Effect.fnUntraced(function* (input) {
    const issue = yield* Store.use((store) => store.update(input.id, input.status))
    yield* Console.log(`Updated ${issue.id}: ${issue.status}`)
  }, Traced.command("update"))
).pipe(Command.withDescription("Change an issue's status"))

/**
 * `bd close ID`
 */
export const close = Command.make(
  "close",
  { id: Flags.id("issue") },
  Effect.fnUntraced(function* (input) {
    const issue = yield* Store.use((store) => store.close(input.id))
    yield* Console.log(`Closed ${issue.id}: ${issue.title}`)
  }, Traced.command("close"))
).pipe(Command.withDescription("Close an issue"))
