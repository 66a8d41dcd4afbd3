// An event kind's guard is interpreted until the kind is hot, then compiled by Effect's schema
// JIT; the compiled guard must agree with the interpreted `Schema.is` of its schema, for valid
// events and for events with a field broken, missing or added.
import { assert, describe, it } from "@effect/vitest"
import { Catalogue } from "@gastown-otel/schema"
import { Arbitrary, Effect, Schema, SchemaAST } from "effect"
import * as SchemaAOTCompiler from "effect/schema/SchemaAOTCompiler"
import { compileAll, hot, isCompiled, validate } from "../src/internal/Validate.ts"
import { InvalidEvent } from "../src/TelemetryError.ts"

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

describe("Validate", () => {
  // First, while nothing is compiled (the tests below compile everything).
  it.live("a kind's guard is compiled once it has been validated often, and only that kind's", () =>
    Effect.gen(function* () {
      const nudge = { _tag: "nudge", target: "x", status: "ok" } as const
      for (let i = 0; i < hot; i++) assert.strictEqual(validate(nudge), nudge)
      // The JIT loads in the background; once it has, the next validation compiles the guard.
      yield* Effect.promise(() => import("effect/schema/SchemaJITCompiler"))
      yield* Effect.yieldNow
      assert.strictEqual(validate(nudge), nudge)
      assert.isTrue(isCompiled("nudge"))
      assert.instanceOf(validate({ ...nudge, status: "maybe" } as unknown), InvalidEvent)
      assert.isFalse(isCompiled("sling"))
    })
  )

  it("every catalogue event's guard is generated as code: none is left to the interpreter", () => {
    for (const entry of Catalogue.entries) {
      const source = SchemaAOTCompiler.compile([{ ast: SchemaAST.toType(entry.schema.ast), operations: ["is"] }])
      assert.include(source, 'case "is"', entry.spec.name)
    }
  })

  // A copy of a schema is a new AST, never enabled for the JIT: its guard is interpreted.
  const interpreted = (entry: Catalogue.Entry) => Schema.is((entry.schema as Schema.Top).annotate({}))

  it.effect("compiled, every guard rejects non-objects like the interpreter does", () =>
    Effect.gen(function* () {
      yield* Effect.promise(compileAll)
      for (const entry of Catalogue.entries) {
        assert.isTrue(isCompiled(entry.spec.name), entry.spec.name)
        const is = interpreted(entry)
        for (const input of [null, undefined, 0, "x", [], [entry.spec.name], { _tag: entry.spec.name }]) {
          assert.strictEqual(validate(input) instanceof InvalidEvent, !is(input), JSON.stringify(input))
        }
      }
    })
  )

  it("an unknown or missing _tag is an InvalidEvent naming it", () => {
    const unknown = validate({ _tag: "bd.nope" })
    assert.instanceOf(unknown, InvalidEvent)
    assert.strictEqual((unknown as InvalidEvent).event, "bd.nope")
    assert.strictEqual((validate({}) as InvalidEvent).event, "(no _tag)")
  })

  for (const entry of Catalogue.entries) {
    const name = entry.spec.name
    const is = interpreted(entry)
    const fields = ["_tag", ...entry.fields.map((f) => f.name)]

    it.prop(`${name}: compiled, agrees with the interpreter on valid events`, [entry.schema], ([event]) => {
      assert.isTrue(isCompiled(name))
      assert.isTrue(is(event))
      assert.strictEqual(validate(event), event)
    })

    it.prop(
      `${name}: compiled, agrees with the interpreter on broken events`,
      [Arbitrary.schema(entry.schema), Mutation, Mutation],
      ([event, first, second]) => {
        const broken = mutate(mutate(event as Record<string, unknown>, fields, first), fields, second)
        assert.strictEqual(validate(broken) instanceof InvalidEvent, !is(broken), JSON.stringify(broken))
      }
    )
  }
})
