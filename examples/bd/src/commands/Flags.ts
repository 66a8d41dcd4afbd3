/**
 * Flags and arguments several commands share.
 */
import { Argument, Flag } from "effect/cli"

/**
 * `--json`: print JSON for machines instead of a table for people.
 */
export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print JSON for machines instead of a table"),
  Flag.withDefault(false)
)

/**
 * The id of an issue or message.
 */
export const id = (what: string) => Argument.String("id").pipe(Argument.withDescription(`The ${what} id, e.g. bd-1`))

/**
 * Prints a value as JSON, as `--json` promises.
 */
export const toJson = (value: unknown): string => JSON.stringify(value, null, 2)
