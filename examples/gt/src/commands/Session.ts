/**
 * `gt session start|stop`: a Claude Code session for an agent, started with gt's
 * telemetry environment (docs/contract.md#claude-code-sessions) under the agent's labels.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Clock, Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Address from "../Address.ts"
import * as ClaudeSession from "../ClaudeSession.ts"
import { GtError } from "../GtError.ts"

// A readable id that is new per start: the role's address, then a base-36 timestamp.
const newSessionId = (role: string) =>
  Effect.map(Clock.currentTimeMillis, (now) => `${role.replaceAll("/", "-")}-${now.toString(36)}`)

const start = Command.make(
  "start",
  {
    role: Flag.String("role").pipe(Flag.withDescription("Role of the agent (default: GT_ROLE)"), Flag.optional),
    session: Flag.String("session").pipe(Flag.withDescription("Session id (default: generated)"), Flag.optional),
    prompt: Flag.String("prompt").pipe(Flag.withDescription("First prompt; the session exits after it"), Flag.optional),
    logPrompts: Flag.Boolean("log-prompts").pipe(
      Flag.withDescription("Let Claude export prompt text"),
      Flag.withDefault(false)
    ),
    logToolContent: Flag.Boolean("log-tool-content").pipe(
      Flag.withDescription("Let Claude export tool input and output"),
      Flag.withDefault(false)
    )
  },
  (flags) =>
    Effect.gen(function* () {
      const role = Option.getOrUndefined(flags.role) ?? (yield* Labels.Current)["gt.role"] ?? ""
      const sessionId = Option.isSome(flags.session) ? flags.session.value : yield* newSessionId(role || "session")
      yield* Effect.gen(function* () {
        if (role === "") return yield* new GtError({ message: "no role: pass --role or set GT_ROLE" })
        yield* Address.validAddress("role", role)
        yield* ClaudeSession.run({
          prompt: Option.getOrUndefined(flags.prompt),
          logPrompts: flags.logPrompts,
          logToolContent: flags.logToolContent
        })
        yield* Console.error(`session ${sessionId} ended`)
      }).pipe(
        Outcome.reported((outcome) => ({ _tag: "session.start", session_id: sessionId, role, ...outcome })),
        // The session and everything it reports belong to the agent it was started for.
        Labels.withLabels(role === "" ? { "gt.session": sessionId } : { "gt.role": role, "gt.session": sessionId })
      )
    }).pipe(Labels.withSpan("gt session start"))
).pipe(Command.withDescription("Start a Claude Code session (GT_CLAUDE_BIN, or a stand-in) with gt's telemetry"))

const stop = Command.make(
  "stop",
  { session: Argument.String("session").pipe(Argument.withDescription("Session id")) },
  ({ session }) =>
    Effect.gen(function* () {
      yield* Address.validName("session", session)
      yield* Console.log(`stopped session ${session}`)
    }).pipe(
      Outcome.reported((outcome) => ({ _tag: "session.stop", session_id: session, ...outcome })),
      Labels.withSpan("gt session stop")
    )
).pipe(Command.withDescription("Stop a Claude Code session"))

export const session = Command.make("session").pipe(
  Command.withDescription("Start and stop Claude Code sessions"),
  Command.withSubcommands([start, stop])
)
