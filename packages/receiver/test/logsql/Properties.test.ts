// Laws the evaluator must keep for any rows and filters: OR is the union, AND the intersection,
// NOT the complement, `limit N` a prefix of the unlimited answer, stats counts add up; and word
// and prefix filters agree with an independent tokeniser.
import { assert, describe, it } from "@effect/vitest"
import { LogsQLEngine, LogsQLParser } from "@gastown-otel/receiver"
import { Result, Schema } from "effect"
import * as MemoryLogSource from "../support/MemoryLogSource.ts"
import { row } from "../support/VictoriaLogsRows.ts"

const second = 1_000_000_000n
const now = 1_700_000_000n * second

const Spec = Schema.Struct({
  app: Schema.Literals(["api", "api-worker", "db"]),
  msg: Schema.Literals(["alpha", "alpha-beta", "Alpha beta", "beta.gamma", "gamma1", ""]),
  unit: Schema.optionalKey(Schema.Literals(["red", "blue", "red/x", ""])),
  n: Schema.optionalKey(Schema.Literals(["1", "2", "10", "x"]))
})
const Specs = Schema.Array(Spec)

const Atom = Schema.Literals([
  "*",
  "alpha",
  '"alpha-beta"',
  "beta*",
  "i(ALPHA)",
  "gamma1",
  "unit:red",
  'unit:="red"',
  "unit:=red*",
  "unit:in(red, blue)",
  'unit:~"^r"',
  'unit:""',
  "unit:*",
  "n:>1",
  'n:<="2"',
  '{app.name="api"}',
  '{app.name=~"api.*"}',
  "app.name:api",
  "_time:3s",
  '_msg:in("alpha", "")'
])

type Specs = typeof Specs.Type

const source = (specs: Specs) =>
  MemoryLogSource.make(
    specs.map(({ app, msg, ...fields }, i) =>
      row(now - BigInt(i) * second, { "app.name": app }, msg, { ...fields, id: String(i) })
    )
  )

const select = (specs: Specs, text: string): Array<string> => {
  const q = LogsQLParser.parse(text, { nowNs: now })
  if (Result.isFailure(q)) assert.fail(q.failure.message)
  return LogsQLEngine.run(q.success, source(specs)).rows.map((r) => r.fields["id"]!)
}
const all = (specs: Specs) => specs.map((_, i) => String(i))
const sorted = (ids: ReadonlyArray<string>) => ids.toSorted((a, b) => Number(a) - Number(b))

describe("LogsQL laws", () => {
  it.prop("a OR b is the union of a and b", { specs: Specs, a: Atom, b: Atom }, ({ a, b, specs }) => {
    const union = new Set([...select(specs, a), ...select(specs, b)])
    assert.deepStrictEqual(sorted(select(specs, `(${a}) OR (${b})`)), sorted([...union]))
  })

  it.prop("a AND b (written as a space) is the intersection", { specs: Specs, a: Atom, b: Atom }, ({ a, b, specs }) => {
    const inB = new Set(select(specs, b))
    assert.deepStrictEqual(sorted(select(specs, `(${a}) (${b})`)), sorted(select(specs, a).filter((id) => inB.has(id))))
  })

  it.prop("NOT a, -a and !a are the complement of a", { specs: Specs, a: Atom }, ({ a, specs }) => {
    const inA = new Set(select(specs, a))
    const complement = all(specs).filter((id) => !inA.has(id))
    for (const not of ["NOT ", "-", "!", "not "])
      assert.deepStrictEqual(sorted(select(specs, `${not}(${a})`)), complement)
  })

  it.prop(
    "limit N is a prefix of the unlimited answer, newest first",
    { specs: Specs, a: Atom, n: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 12 })) },
    ({ a, n, specs }) => {
      const full = select(specs, a)
      assert.deepStrictEqual(full, sorted(full))
      assert.deepStrictEqual(select(specs, `${a} | limit ${n}`), full.slice(0, n))
    }
  )

  it.prop(
    "stats count() by a field sums to the matching rows, per value",
    { specs: Specs, a: Atom },
    ({ a, specs }) => {
      const matching = new Set(select(specs, a))
      const q = Result.getOrThrow(
        LogsQLParser.parse(`${a} | stats by (unit) count() c, count_uniq(n) u`, { nowNs: now })
      )
      const rows = LogsQLEngine.run(q, source(specs)).rows
      const expected = new Map<string, number>()
      specs.forEach((s, i) => {
        if (matching.has(String(i))) expected.set(s.unit ?? "", (expected.get(s.unit ?? "") ?? 0) + 1)
      })
      assert.deepStrictEqual(new Map(rows.map((r) => [r.fields["unit"]!, Number(r.fields["c"])])), expected)
      for (const r of rows) {
        const values = new Set(
          specs
            .filter((s, i) => matching.has(String(i)) && (s.unit ?? "") === r.fields["unit"] && (s.n ?? "") !== "")
            .map((s) => s.n)
        )
        assert.strictEqual(Number(r.fields["u"]), values.size)
      }
    }
  )
})

// Words as VictoriaLogs defines them, found with a regular expression rather than a scanner.
const words = (s: string): ReadonlyArray<string> => s.match(/[\p{L}\p{Nd}_]+/gu) ?? []
const Piece = Schema.Literals(["ab", "a", "b", "_", "-", " ", ".", "é", "1", "ab1", "Ab", "日本"])
const Word = Schema.Literals(["ab", "a", "b", "ab1", "1", "é", "a_b", "Ab", "日本", "本"])

describe("LogsQL words", () => {
  it.prop(
    "field:word matches exactly when the word is one of the value's words",
    { pieces: Schema.Array(Piece), word: Word },
    ({ pieces, word }) => {
      const value = pieces.join("")
      const rows = MemoryLogSource.make([row(now, { "app.name": "api" }, value)])
      const q = Result.getOrThrow(LogsQLParser.parse(`_msg:${JSON.stringify(word)}`, { nowNs: now }))
      const found = LogsQLEngine.run(q, rows).rows.length === 1
      assert.strictEqual(found, words(value).includes(word), JSON.stringify(value))
    }
  )

  it.prop(
    "field:prefix* matches exactly when one of the value's words starts with the prefix",
    { pieces: Schema.Array(Piece), word: Word },
    ({ pieces, word }) => {
      const value = pieces.join("")
      const rows = MemoryLogSource.make([row(now, { "app.name": "api" }, value)])
      const q = Result.getOrThrow(LogsQLParser.parse(`_msg:${JSON.stringify(word)}*`, { nowNs: now }))
      const found = LogsQLEngine.run(q, rows).rows.length === 1
      assert.strictEqual(
        found,
        words(value).some((w) => w.startsWith(word)),
        JSON.stringify(value)
      )
    }
  )
})
