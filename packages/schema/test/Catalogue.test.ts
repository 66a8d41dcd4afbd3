import { assert, describe, it } from "@effect/vitest"
import { Catalogue, Correlation } from "@gastown-otel/schema"
import { Arbitrary, Effect, Exit, Schema, SchemaAST } from "effect"

const sampleOf = (schema: Schema.Top) =>
  Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema), { count: 1, seed: 7 }))[0] as Record<string, unknown>

const decodeError = (schema: Schema.Top, input: unknown): string => {
  const exit = Schema.decodeUnknownExit(schema as Schema.Codec<unknown, unknown>)(input)
  assert.isTrue(Exit.isFailure(exit), "expected the input to be rejected")
  return String(exit)
}

const literalMembers = (ast: SchemaAST.AST): ReadonlyArray<unknown> | undefined => {
  if (ast._tag === "Literal") return [ast.literal]
  if (ast._tag === "Union" && ast.types.every((t) => t._tag === "Literal")) {
    return ast.types.map((t) => (t as SchemaAST.Literal).literal)
  }
  return undefined
}

const byEmitter = (emitter: string) =>
  Catalogue.entries.filter((e) => e.spec.emitter === emitter).map((e) => e.spec.name)
const field = (event: string, name: string) => Catalogue.byName.get(event)!.fields.find((f) => f.name === name)!
const members = (event: string, name: string) =>
  literalMembers((Catalogue.byName.get(event)!.schema.fields as Schema.Struct.Fields)[name]!.ast)

describe("event schemas", () => {
  it("cover the contract's events: 16 gt events and 7 bd events, plus the library's own", () => {
    assert.deepStrictEqual(byEmitter("telemetry"), ["telemetry.dropped"])
    assert.deepStrictEqual(byEmitter("gt"), [
      "bd.call",
      "session.start",
      "session.stop",
      "prompt.send",
      "pane.read",
      "prime",
      "agent.state_change",
      "polecat.spawn",
      "polecat.remove",
      "sling",
      "mail",
      "nudge",
      "done",
      "daemon.restart",
      "formula.instantiate",
      "convoy.create"
    ])
    assert.deepStrictEqual(byEmitter("bd"), [
      "bd.command",
      "bd.storage.operation",
      "bd.storage.error",
      "bd.db.retry",
      "bd.db.lock_wait",
      "bd.issue_count",
      "bd.ai.request"
    ])
  })

  for (const entry of Catalogue.entries) {
    const schema = entry.schema as unknown as Schema.Codec<unknown, unknown>
    const name = entry.spec.name

    it.prop(`${name}: generated values round-trip through encode and decode`, [entry.schema], ([value]) => {
      const encoded = Schema.encodeSync(schema)(value)
      assert.deepStrictEqual(Schema.decodeUnknownSync(schema)(encoded), value)
      assert.deepStrictEqual(Schema.decodeUnknownSync(Catalogue.Event)(encoded), value)
    })

    it(`${name}: a wrong type, a missing field or an unknown literal names the field`, () => {
      const valid = sampleOf(entry.schema)
      for (const field of entry.fields) {
        const wrong = field.type === "string" ? 42 : "forty-two"
        assert.include(decodeError(schema, { ...valid, [field.name]: wrong }), `["${field.name}"]`)
        if (!field.optional) {
          const { [field.name]: _, ...missing } = valid
          assert.include(decodeError(schema, missing), `["${field.name}"]`)
        }
        const ast = (entry.schema.fields as Schema.Struct.Fields)[field.name]!.ast
        if (literalMembers(ast) !== undefined) {
          assert.include(decodeError(schema, { ...valid, [field.name]: "NOT_A_MEMBER" }), `["${field.name}"]`)
        }
      }
    })
  }

  it("keep the contract's field types: ints as ints, booleans as booleans, status and exit_type as literals", () => {
    assert.strictEqual(field("prompt.send", "keys_len").type, "int")
    assert.strictEqual(field("pane.read", "content_len").type, "int")
    assert.strictEqual(field("prime", "hook_mode").type, "boolean")
    assert.strictEqual(field("agent.state_change", "has_hook_bead").type, "boolean")
    assert.strictEqual(field("bd.call", "duration_ms").type, "double")
    assert.deepStrictEqual(members("bd.call", "status"), ["ok", "error"])
    assert.deepStrictEqual(members("done", "exit_type"), ["COMPLETED", "ESCALATED", "DEFERRED"])
    assert.deepStrictEqual(members("bd.issue_count", "status"), [
      "open",
      "in_progress",
      "blocked",
      "deferred",
      "closed"
    ])
    assert.isTrue(Schema.is(Catalogue.Event)({ _tag: "done", exit_type: "COMPLETED", status: "ok" }))
    assert.isFalse(Schema.is(Catalogue.Event)({ _tag: "done", exit_type: "QUIT", status: "ok" }))
    assert.isFalse(
      Schema.is(Catalogue.Event)({ _tag: "prompt.send", session: "s", keys_len: 1.5, debounce_ms: 0, status: "ok" })
    )
  })
})

describe("catalogue policy", () => {
  it("metric names are unique, snake_case and prefixed by their emitter", () => {
    const names = Catalogue.metrics.map((m) => m.name)
    assert.strictEqual(new Set(names).size, names.length)
    for (const m of Catalogue.metrics) {
      assert.match(m.name, /^[a-z][a-z0-9_]*$/)
      assert.isTrue(m.name.startsWith(m.emitter === "bd" ? "bd_" : "gastown_"), m.name)
      if (m.kind === "counter") assert.isTrue(m.name.endsWith("_total"), m.name)
      else assert.isFalse(m.name.endsWith("_total"), m.name)
      assert.isAbove(m.description.length, 0, m.name)
    }
  })

  it("event names are unique and every event has a description", () => {
    const names = Catalogue.entries.map((e) => e.spec.name)
    assert.strictEqual(new Set(names).size, names.length)
    for (const e of Catalogue.entries) assert.isAbove(e.spec.description.length, 0)
  })

  it("metric labels are required fields with bounded values: literals, booleans or a folding cap", () => {
    for (const m of Catalogue.metrics) {
      const entry = Catalogue.byName.get(m.event)!
      for (const label of m.labels) {
        const field = entry.fields.find((f) => f.name === label)
        assert.isDefined(field, `${m.name}: label ${label} is not a field of ${m.event}`)
        assert.isFalse(field!.optional, `${m.name}: label ${label} is optional`)
        const ast = (entry.schema.fields as Schema.Struct.Fields)[label]!.ast
        const bounded = field!.type === "boolean" || literalMembers(ast) !== undefined || field!.maxValues !== undefined
        assert.isTrue(bounded, `${m.name}: label ${label} is unbounded`)
      }
      assert.deepStrictEqual(m.labelKeys.slice(0, Correlation.metricKeys.length), [...Correlation.metricKeys])
    }
  })

  it("value fields are numeric; histograms have increasing boundaries", () => {
    for (const m of Catalogue.metrics) {
      const entry = Catalogue.byName.get(m.event)!
      if (m.value !== undefined) {
        const field = entry.fields.find((f) => f.name === m.value)
        assert.oneOf(field?.type, ["int", "double"], `${m.name}: value ${m.value}`)
      }
      if (m.kind === "histogram") {
        assert.isDefined(m.value, m.name)
        const bounds = m.boundaries ?? []
        assert.isAbove(bounds.length, 0, m.name)
        for (let i = 1; i < bounds.length; i++) assert.isAbove(bounds[i]!, bounds[i - 1]!, m.name)
      }
      if (m.kind === "gauge") assert.isDefined(m.value, m.name)
    }
  })

  it("free text fields are truncated; output and arguments are redacted", () => {
    for (const e of Catalogue.entries) {
      for (const f of e.fields) {
        if (f.type === "string" && f.maxValues === undefined && !f.status) {
          const ast = (e.schema.fields as Schema.Struct.Fields)[f.name]!.ast
          if (literalMembers(ast) === undefined) assert.isDefined(f.truncateBytes, `${e.spec.name}.${f.name}`)
        }
      }
    }
    const bdCall = Catalogue.byName.get("bd.call")!.fields
    for (const name of ["args", "stdout", "stderr", "error"]) {
      assert.isTrue(bdCall.find((f) => f.name === name)!.redact, name)
    }
    assert.strictEqual(bdCall.find((f) => f.name === "stdout")!.truncateBytes, 2048)
    assert.strictEqual(bdCall.find((f) => f.name === "stderr")!.truncateBytes, 1024)
  })
})
