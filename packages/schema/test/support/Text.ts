import { Arbitrary, Schema } from "effect"

// Pieces of text that stress UTF-8 handling: 1- to 4-byte characters, a grapheme made of
// several code points, and lone surrogates (JavaScript strings that are not valid Unicode).
const pieces = ["a", "Z", " ", "é", "ß", "€", "語", "😀", "👩‍👩‍👧", "\ud800", "\udfff", "\n", "="] as const

/** Generated text made of {@link pieces}: arbitrary mixtures of multi-byte characters. */
export const MixedText = Arbitrary.schema(Schema.Array(Schema.Literals(pieces))).pipe(
  Arbitrary.map((parts) => parts.join(""))
)

/** Generated text of words with no secret-like shape. */
export const OrdinaryText = Arbitrary.schema(
  Schema.Array(
    Schema.Literals([
      "list",
      "--json",
      "bd",
      "show",
      "gt-123",
      "closed",
      "in_progress",
      "mayor",
      "mol/witness",
      "https://example.com/path?page=2",
      "a=b",
      "--status=open",
      "ok:",
      "Fixed",
      "the",
      "flaky",
      "test",
      "émoji😀",
      "42"
    ])
  )
).pipe(Arbitrary.map((words) => words.join(" ")))
