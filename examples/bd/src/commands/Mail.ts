/**
 * `bd mail`: messages between agents, kept in the same store as the issues.
 */
import { Config, Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type * as Db from "../Db.ts"
import { Store } from "../Store.ts"
import * as Table from "../Table.ts"
import * as Traced from "../Traced.ts"
import * as Flags from "./Flags.ts"

/**
 * `bd mail send --to AGENT --subject S [--body B] [--from AGENT]`
 */
export const send = Command.make(
  "send",
  {
    to: Flag.String("to").pipe(Flag.withDescription("The recipient, e.g. mol/witness")),
    subject: Flag.String("subject").pipe(Flag.withDescription("One line saying what it is about")),
    body: Flag.String("body").pipe(Flag.withDescription("The message text"), Flag.withDefault("")),
    from: Flag.String("from").pipe(
      Flag.withDescription("The sender (default: $BD_ACTOR)"),
      Flag.withFallbackConfig(Config.String("BD_ACTOR")),
      Flag.withDefault("unknown")
    )
  },
  Effect.fnUntraced(function* (input) {
    const message = yield* Store.use((store) => store.send(input))
    yield* Console.log(`Sent ${message.id} to ${message.to}: ${message.subject}`)
  }, Traced.command("mail send"))
).pipe(Command.withDescription("Send a message to an agent"))

/**
 * `bd mail read ID`: prints the message and marks it read.
 */
export const read = Command.make(
  "read",
  { id: Flags.id("message") },
  Effect.fnUntraced(function* (input) {
    const message = yield* Store.use((store) => store.read(input.id))
    const header = Table.align([
      ["from", message.from],
      ["to", message.to],
      ["subject", message.subject],
      ["sent", message.sent_at]
    ])
    yield* Console.log(`${message.id}\n\n${header}${message.body === "" ? "" : `\n\n${message.body}`}`)
  }, Traced.command("mail read"))
).pipe(Command.withDescription("Read a message (marks it read)"))

const messageTable = (messages: ReadonlyArray<Db.Message>) =>
  Table.render(
    [{ header: "ID" }, { header: "FROM" }, { header: "TO" }, { header: "STATE" }, { header: "SUBJECT" }],
    messages.map((m) => [m.id, m.from, m.to, m.read_at === undefined ? "unread" : "read", m.subject])
  )

/**
 * `bd mail list [--to AGENT]`
 */
export const list = Command.make(
  "list",
  { to: Flag.String("to").pipe(Flag.withDescription("Only messages to this agent"), Flag.optional) },
  Effect.fnUntraced(function* (input) {
    const messages = yield* Store.use((store) => store.inbox(Option.getOrUndefined(input.to)))
    yield* Console.log(messages.length === 0 ? "No messages." : messageTable(messages))
  }, Traced.command("mail list"))
).pipe(Command.withDescription("List messages"))

/**
 * `bd mail`
 */
export const mail = Command.make("mail").pipe(
  Command.withDescription("Send and read messages between agents"),
  Command.withSubcommands([send, read, list])
)
