/**
 * Gas Town addresses: `mayor`, `mol/witness`, `mol/polecats/jana`. gt checks them before
 * acting, so a typo fails the command (and its event says so) instead of going nowhere.
 */
import { Effect } from "effect"
import { GtError } from "./GtError.ts"

const name = /^[a-z0-9][a-z0-9_-]{0,63}$/

/**
 * A single name (a polecat, an agent type): lower-case letters, digits, `-` and `_`.
 */
export const validName = (what: string, value: string): Effect.Effect<string, GtError> =>
  name.test(value)
    ? Effect.succeed(value)
    : Effect.fail(
        new GtError({ message: `${what} ${JSON.stringify(value)}: expected lower-case letters, digits, - or _` })
      )

/**
 * An address: names joined by `/`.
 */
export const validAddress = (what: string, value: string): Effect.Effect<string, GtError> =>
  value.split("/").every((part) => name.test(part))
    ? Effect.succeed(value)
    : Effect.fail(
        new GtError({ message: `${what} ${JSON.stringify(value)}: expected an address such as mol/polecats/jana` })
      )

/**
 * The address of a rig's polecat.
 */
export const polecat = (rig: string, polecatName: string): string => `${rig}/polecats/${polecatName}`
