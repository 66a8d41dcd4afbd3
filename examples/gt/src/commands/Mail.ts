/**
 * `gt mail send|read`: agent mail, kept by bd.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"
import { Bd } from "../Bd.ts"

const reported = (operation: "send" | "read") =>
  Outcome.reported((outcome) => ({ _tag: "mail", operation, ...outcome }))

const send = Command.make(
  "send",
  {
    to: Argument.String("to").pipe(Argument.withDescription("Recipient address, e.g. mol/witness")),
    subject: Flag.String("subject").pipe(Flag.withDescription("What it is about")),
    body: Flag.String("body").pipe(Flag.withDescription("The message"), Flag.withDefault(""))
  },
  ({ to, subject, body }) =>
    Effect.gen(function* () {
      yield* Address.validAddress("recipient", to)
      // The sender is BD_ACTOR, which bd reads from the environment gt passes on.
      const { stdout } = yield* (yield* Bd).call("mail", ["send", "--to", to, "--subject", subject, "--body", body])
      yield* Console.log(stdout.trimEnd())
    }).pipe(reported("send"), Labels.withSpan("gt mail send"))
).pipe(Command.withDescription("Send mail to an agent"))

const read = Command.make(
  "read",
  { id: Argument.String("id").pipe(Argument.withDescription("Message id, e.g. msg-1")) },
  ({ id }) =>
    Effect.gen(function* () {
      const { stdout } = yield* (yield* Bd).call("mail", ["read", id])
      yield* Console.log(stdout.trimEnd())
    }).pipe(reported("read"), Labels.withSpan("gt mail read"))
).pipe(Command.withDescription("Read a message"))

export const mail = Command.make("mail").pipe(
  Command.withDescription("Agent mail (through bd)"),
  Command.withSubcommands([send, read])
)
