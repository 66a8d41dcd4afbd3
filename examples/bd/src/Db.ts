/**
 * The store's file format: one JSON document with every issue and message, decoded
 * with a schema so a damaged file is reported as `corrupt` instead of read wrongly.
 */
import { BdEvents } from "@gastown-otel/schema"
import { Schema } from "effect"

/**
 * What kind of work an issue is.
 */
export const IssueType = Schema.Literals(["task", "bug", "feature", "epic", "chore"])

/**
 * Priority from 0 (most urgent) to 4.
 */
export const Priority = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4 }))

/**
 * One issue.
 */
export const Issue = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  description: Schema.optionalKey(Schema.String),
  issue_type: IssueType,
  priority: Priority,
  status: BdEvents.IssueStatus,
  created_at: Schema.String,
  updated_at: Schema.String,
  closed_at: Schema.optionalKey(Schema.String),
  /** Set once `bd compact` has replaced the description with a summary. */
  compacted: Schema.optionalKey(Schema.Boolean)
})

export type Issue = typeof Issue.Type

/**
 * One mail message between agents.
 */
export const Message = Schema.Struct({
  id: Schema.String,
  from: Schema.String,
  to: Schema.String,
  subject: Schema.String,
  body: Schema.String,
  sent_at: Schema.String,
  read_at: Schema.optionalKey(Schema.String)
})

export type Message = typeof Message.Type

/**
 * The whole store.
 */
export const Db = Schema.Struct({
  version: Schema.Literal(1),
  issues: Schema.Array(Issue),
  messages: Schema.Array(Message)
})

export type Db = typeof Db.Type

/**
 * The store before the first write.
 */
export const empty: Db = { version: 1, issues: [], messages: [] }

/**
 * The file's text: pretty-printed, so the store can be read and diffed by people.
 */
export const Json = Schema.fromJsonString(Db, { space: 2 })

// Ids are numbered per prefix; the next one follows the highest in use, so no counter
// has to be kept in step with the arrays.
const nextId = (prefix: string, ids: ReadonlyArray<string>): string => {
  const numbers = ids.map((id) => Number(id.slice(prefix.length + 1))).filter(Number.isSafeInteger)
  return `${prefix}-${Math.max(0, ...numbers) + 1}`
}

/**
 * The id of the next issue: `bd-1`, `bd-2`, …
 */
export const nextIssueId = (db: Db): string =>
  nextId(
    "bd",
    db.issues.map((i) => i.id)
  )

/**
 * The id of the next message: `msg-1`, `msg-2`, …
 */
export const nextMessageId = (db: Db): string =>
  nextId(
    "msg",
    db.messages.map((m) => m.id)
  )
