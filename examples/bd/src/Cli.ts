/**
 * The `bd` command tree.
 */
import { Command } from "effect/cli"
import { compact } from "./commands/Compact.ts"
import * as Issues from "./commands/Issues.ts"
import { mail } from "./commands/Mail.ts"
import { stats } from "./commands/Stats.ts"

/**
 * bd's version, reported by `bd --version` and as `service.version`.
 */
export const version = "0.1.0"

/**
 * The root command.
 */
export const bd = Command.make("bd").pipe(
  Command.withDescription("A small issue tracker for agents; the store is $BD_DB (default .beads/beads.json)"),
  Command.withSubcommands([Issues.create, Issues.list, Issues.show, Issues.update, Issues.close, mail, stats, compact])
)
