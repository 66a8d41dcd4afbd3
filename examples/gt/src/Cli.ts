/**
 * The `gt` command tree.
 */
import { Command } from "effect/cli"
import { agent } from "./commands/Agent.ts"
import { convoy } from "./commands/Convoy.ts"
import { daemon } from "./commands/Daemon.ts"
import { done } from "./commands/Done.ts"
import { flush } from "./commands/Flush.ts"
import { formula } from "./commands/Formula.ts"
import { mail } from "./commands/Mail.ts"
import { nudge } from "./commands/Nudge.ts"
import { pane } from "./commands/Pane.ts"
import { polecat } from "./commands/Polecat.ts"
import { prime } from "./commands/Prime.ts"
import { prompt } from "./commands/Prompt.ts"
import { session } from "./commands/Session.ts"
import { sling } from "./commands/Sling.ts"
import { status } from "./commands/Status.ts"

/**
 * gt's version, also sent as `service.version`.
 */
export const version = "0.1.0"

/**
 * The root command.
 */
export const gt = Command.make("gt").pipe(
  Command.withDescription("A Gas Town orchestrator (example): every command reports through @gastown-otel/telemetry"),
  Command.withSubcommands([
    status,
    sling,
    nudge,
    done,
    prime,
    polecat,
    mail,
    convoy,
    formula,
    session,
    agent,
    prompt,
    pane,
    daemon,
    flush
  ])
)
