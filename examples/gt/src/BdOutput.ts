/**
 * The parts of bd's output gt reads: `--json` output through schemas that ignore other
 * fields (bd can add fields without breaking gt), and the id `bd create` prints.
 */
import { Effect, Schema } from "effect"
import type { Output } from "./Bd.ts"
import { GtError } from "./GtError.ts"

/**
 * An issue (a bead), as `bd show --json` and `bd list --json` print it.
 */
export const Issue = Schema.Struct({ id: Schema.String, title: Schema.String, status: Schema.String })

/**
 * `bd stats --json`.
 */
export const Stats = Schema.Struct({ total: Schema.Int, by_status: Schema.Record(Schema.String, Schema.Int) })

/**
 * Decodes a call's stdout, failing with a message that names the call.
 */
export const decode =
  <S extends Schema.Decoder<unknown>>(schema: S, call: string) =>
  (output: Output): Effect.Effect<S["Type"], GtError> =>
    Schema.decodeUnknownEffect(Schema.fromJsonString(schema))(output.stdout).pipe(
      Effect.mapError((issue) => new GtError({ message: `${call}: unexpected output (${issue.message})` }))
    )

/**
 * The id in `bd create`'s `Created bd-7: <title>`.
 */
export const createdId = (output: Output): Effect.Effect<string, GtError> => {
  const id = /^Created (\S+):/m.exec(output.stdout)?.[1]
  return id === undefined
    ? Effect.fail(new GtError({ message: `bd create: unexpected output ${JSON.stringify(output.stdout)}` }))
    : Effect.succeed(id)
}
