/**
 * Flags and arguments several commands share.
 *
 * @since 0.1.0
 */
import { Argument, Flag } from "effect/cli"

/**
 * `--json`: print JSON for machines instead of a table for people.
 *
 * @since 0.1.0
 */
export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print JSON for machines instead of a table"),
  Flag.withDefault(false)
)

/**
 * The id of an issue or message.
 *
 * @since 0.1.0
 */
export const id = (what: string) => Argument.String("id").pipe(Argument.withDescription(`The ${what} id, e.g. bd-1`))

/**
 * Prints a value as JSON, as `--json` promises.
 *
 * @since 0.1.0
 */
export const toJson = (value: unknown): string => JSON.stringify(value, null, 2)
