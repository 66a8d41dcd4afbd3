import { assert, describe, it } from "@effect/vitest"
import { Truncate } from "@gastown-otel/schema"
import { Schema } from "effect"
import { MixedText } from "./support/Text.ts"

const bytes = (text: string) => Buffer.byteLength(text, "utf8")
const Limit = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 48 }))

const checkCut = (input: string, limit: number) => {
  const { text, truncated } = Truncate.utf8(input, limit)
  const wellFormed = input.toWellFormed()
  // Valid UTF-8: decoding the encoded bytes gives the same string back.
  assert.strictEqual(new TextDecoder("utf-8", { fatal: true }).decode(new TextEncoder().encode(text)), text)
  if (truncated) {
    assert.isTrue(text.endsWith(Truncate.marker))
    const kept = text.slice(0, -Truncate.marker.length)
    assert.isAtMost(bytes(kept), limit)
    assert.isTrue(wellFormed.startsWith(kept), "the kept part is a prefix of the input")
    assert.isAbove(bytes(wellFormed), limit)
    // Maximal: the next character would not have fitted.
    const next = String.fromCodePoint(wellFormed.codePointAt(kept.length)!)
    assert.isAbove(bytes(kept) + bytes(next), limit)
  } else {
    assert.strictEqual(text, wellFormed)
    assert.isAtMost(bytes(text), limit)
  }
}

describe("Truncate.utf8", () => {
  it.prop(
    "mixed multi-byte text: valid UTF-8, within the limit plus the marker, a prefix",
    [MixedText, Limit],
    ([input, limit]) => checkCut(input, limit)
  )

  it.prop("any string", [Schema.String, Limit], ([input, limit]) => checkCut(input, limit))

  it("never splits a 4-byte character", () => {
    assert.deepStrictEqual(Truncate.utf8("😀😀", 7), { text: "😀…", truncated: true })
    assert.deepStrictEqual(Truncate.utf8("😀😀", 8), { text: "😀😀", truncated: false })
    assert.deepStrictEqual(Truncate.utf8("aé", 2), { text: "a…", truncated: true })
  })

  it("replaces lone surrogates so the result encodes", () => {
    assert.deepStrictEqual(Truncate.utf8("a\ud800b", 100), { text: "a\ufffdb", truncated: false })
  })
})

describe("Truncate.fits", () => {
  it.prop("true only where utf8 returns the input unchanged", [Schema.String, Limit], ([input, limit]) => {
    if (Truncate.fits(input, limit))
      assert.deepStrictEqual(Truncate.utf8(input, limit), { text: input, truncated: false })
  })

  it("says no to lone surrogates and to what may not fit", () => {
    assert.isTrue(Truncate.fits("abc", 9))
    assert.isFalse(Truncate.fits("abc", 8))
    assert.isFalse(Truncate.fits("a\ud800", 100))
  })
})
