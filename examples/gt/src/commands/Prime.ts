/**
 * `gt prime [--hook]`: prints the role context an agent starts from, as text or, from a
 * Claude Code SessionStart hook, as the hook's JSON.
 */
import { Labels, Outcome } from "@gastown-otel/telemetry"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as RequiredLabel from "../RequiredLabel.ts"

const context = (role: string, rig: string | undefined) =>
  [`You are ${role}${rig === undefined ? "" : ` in rig ${rig}`}.`, "Run `gt status` to see the work on hand."].join(
    "\n"
  )

export const prime = Command.make(
  "prime",
  {
    hook: Flag.Boolean("hook").pipe(
      Flag.withDescription("Answer as a Claude Code SessionStart hook (JSON)"),
      Flag.withDefault(false)
    )
  },
  ({ hook }) =>
    Effect.gen(function* () {
      const labels = yield* Labels.Current
      yield* Effect.gen(function* () {
        const text = context(yield* RequiredLabel.required("gt.role"), labels["gt.rig"])
        yield* Console.log(
          hook
            ? JSON.stringify({ hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: text } })
            : text
        )
      }).pipe(
        // An unset role is reported as the empty role it is.
        Outcome.reported((outcome) => ({ _tag: "prime", role: labels["gt.role"] ?? "", hook_mode: hook, ...outcome }))
      )
    }).pipe(Labels.withSpan("gt prime"))
).pipe(Command.withDescription("Print the role context for the current agent (GT_ROLE)"))
