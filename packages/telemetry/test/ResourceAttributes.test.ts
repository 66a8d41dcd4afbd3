import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as ResourceAttributes from "../src/ResourceAttributes.ts"

// Keys must be unique for a round trip; lone surrogates have no UTF-8 form and come back as U+FFFD.
const normalize = (entries: ReadonlyArray<readonly [string, string]>): Array<[string, string]> => [
  ...new Map(entries.map(([key, value]) => [key.toWellFormed(), value.toWellFormed()]))
]

describe("ResourceAttributes", () => {
  it.prop(
    "parse(build(x)) = x",
    [Schema.Array(Schema.Tuple([Schema.NonEmptyString, Schema.String]))],
    ([entries]) => {
      const unique = normalize(entries)
      assert.deepStrictEqual(ResourceAttributes.parse(ResourceAttributes.build(unique)), unique)
    },
    { arbitrary: { runs: 500 } }
  )

  it.prop("build output uses only baggage octets, never a raw separator", [Schema.String], ([value]) => {
    const built = ResourceAttributes.build([["k", value]])
    assert.match(built, /^k=[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/)
    assert.notInclude(built.slice(2), "=")
  })

  it('escapes , = % ; \\ " and whitespace, keeps / : readable', () => {
    const entries: Array<[string, string]> = [
      ["gt.role", "mol/polecats/jana"],
      ["a,b", "x=y,z"],
      ["pct", "100%"],
      ["quote", 'say "hi"; \\ok'],
      [" spaced key ", "  two  spaces  "],
      ["url", "http://h:1/p"]
    ]
    const built = ResourceAttributes.build(entries)
    assert.strictEqual(
      built,
      "gt.role=mol/polecats/jana,a%2Cb=x%3Dy%2Cz,pct=100%25,quote=say%20%22hi%22%3B%20%5Cok," +
        "%20spaced%20key%20=%20%20two%20%20spaces%20%20,url=http://h:1/p"
    )
    assert.deepStrictEqual(ResourceAttributes.parse(built), entries)
  })

  it("encodes non-ASCII as UTF-8 bytes and keeps a leading BOM and emoji", () => {
    const entries: Array<[string, string]> = [
      ["emoji", "🚀 launch"],
      ["bom", "\uFEFFx"],
      ["é", "ünï"],
      ["ctl", "a\tb\nc\u0000"]
    ]
    const built = ResourceAttributes.build(entries)
    assert.include(built, "emoji=%F0%9F%9A%80%20launch")
    assert.include(built, "bom=%EF%BB%BFx")
    assert.deepStrictEqual(ResourceAttributes.parse(built), entries)
  })

  it("parses Go-style unescaped input tolerantly", () => {
    assert.deepStrictEqual(ResourceAttributes.parse("gt.rig=mol, gt.role = mol/witness ,query=a=b,rate=50%,,junk"), [
      ["gt.rig", "mol"],
      ["gt.role", "mol/witness"],
      ["query", "a=b"],
      ["rate", "50%"]
    ])
  })

  it("skips empty entries, entries without = and empty keys; a repeated key keeps its last value", () => {
    assert.deepStrictEqual(ResourceAttributes.parse(""), [])
    assert.deepStrictEqual(ResourceAttributes.parse(" , ,=v,noequals,k=1,j=,k=2"), [
      ["k", "2"],
      ["j", ""]
    ])
  })

  it("decodes bad percent sequences without throwing", () => {
    assert.deepStrictEqual(ResourceAttributes.parse("a=%ZZ,b=%E2%82,c=%,d=%4"), [
      ["a", "%ZZ"],
      ["b", "\uFFFD"],
      ["c", "%"],
      ["d", "%4"]
    ])
  })

  it("lone surrogates are sent as U+FFFD", () => {
    assert.deepStrictEqual(ResourceAttributes.parse(ResourceAttributes.build([["k", "a\uD800"]])), [["k", "a\uFFFD"]])
  })

  describe("merge", () => {
    it("keeps existing attributes and lets the labels override the same key", () => {
      const merged = ResourceAttributes.merge("service.version=1.2,gt.rig=old,team=a%2Cb", {
        "gt.rig": "mol",
        "gt.role": "mol/witness"
      })
      assert.deepStrictEqual(ResourceAttributes.parse(merged), [
        ["service.version", "1.2"],
        ["gt.rig", "mol"],
        ["team", "a,b"],
        ["gt.role", "mol/witness"]
      ])
      assert.strictEqual(merged, "service.version=1.2,gt.rig=mol,team=a%2Cb,gt.role=mol/witness")
    })

    it("starts from nothing when there is no existing value", () => {
      assert.strictEqual(ResourceAttributes.merge(undefined, { "gt.rig": "a b,c=d%" }), "gt.rig=a%20b%2Cc%3Dd%25")
      assert.strictEqual(ResourceAttributes.merge(undefined, {}), "")
    })

    it("re-encodes Go-style existing input", () => {
      assert.strictEqual(ResourceAttributes.merge("x=a=b, y = c d ", {}), "x=a%3Db,y=c%20d")
    })
  })
})
