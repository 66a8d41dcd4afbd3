// The compiled check per event must agree with `Schema.is` on its schema, for valid
// events and for events with a field broken, missing or added, so the two cannot drift.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Arbitrary, Schema } from "effect"
import { checks, compile, fallbacks } from "../src/internal/Validate.ts"

// Values near the edges of every field type: empty strings, negatives, fractions,
// non-finite numbers, literals of other fields; and any value of any JSON-ish type.
const edges: ReadonlyArray<unknown> = [
  "",
  "ok",
  "error",
  "OK",
  "open",
  "COMPLETED",
  "invalid_event",
  null,
  undefined,
  true,
  [],
  {},
  -1,
  -0,
  0,
  0.5,
  1e21,
  Number.NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER + 1
]
const Junk = Schema.Union([
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Null,
  Schema.Array(Schema.String),
  Schema.Record(Schema.String, Schema.Number)
])

// Which field to break (an index past the fields adds an unknown key instead), and how:
// delete the key, or set it to an edge value or to junk.
const Mutation = Schema.Struct({
  field: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 16 })),
  how: Schema.Literals(["remove", "edge", "junk"]),
  edge: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: edges.length - 1 })),
  junk: Junk
})

const mutate = (
  event: Record<string, unknown>,
  fields: ReadonlyArray<string>,
  mutation: typeof Mutation.Type
): Record<string, unknown> => {
  const out = { ...event }
  const name = fields[mutation.field % (fields.length + 1)] ?? "extra"
  if (mutation.how === "remove") delete out[name]
  else out[name] = mutation.how === "edge" ? edges[mutation.edge] : mutation.junk
  return out
}

describe("Validate.checks", () => {
  it("every catalogue event compiles to a fast check: none falls back to Schema.is", () => {
    assert.deepStrictEqual(fallbacks, [])
    for (const entry of Catalogue.entries) {
      assert.strictEqual(typeof compile((entry.schema as Schema.Top).ast), "function", entry.spec.name)
    }
  })

  it("non-objects are rejected like Schema.is does", () => {
    for (const entry of Catalogue.entries) {
      const is = Schema.is(entry.schema as Schema.Top)
      const check = checks.get(entry.spec.name)!
      for (const input of [null, undefined, 0, "x", [], [entry.spec.name], { _tag: entry.spec.name }]) {
        assert.strictEqual(check(input), is(input), `${entry.spec.name}: ${JSON.stringify(input)}`)
      }
    }
  })

  for (const entry of Catalogue.entries) {
    const name = entry.spec.name
    const is = Schema.is(entry.schema as Schema.Top)
    const check = checks.get(name)!
    const fields = ["_tag", ...entry.fields.map((f) => f.name)]

    it.prop(`${name}: agrees with Schema.is on valid events`, [entry.schema], ([event]) => {
      assert.isTrue(is(event))
      assert.isTrue(check(event))
    })

    it.prop(
      `${name}: agrees with Schema.is on broken events`,
      [Arbitrary.schema(entry.schema), Mutation, Mutation],
      ([event, first, second]) => {
        const broken = mutate(mutate(event as Record<string, unknown>, fields, first), fields, second)
        assert.strictEqual(check(broken), is(broken), JSON.stringify(broken))
      }
    )
  }
})
