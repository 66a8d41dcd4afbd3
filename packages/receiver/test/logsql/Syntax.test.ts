// The lower layers of the LogsQL engine: times and durations as VictoriaLogs parses and prints
// them, Go string literals, and RE2 regexps read as JavaScript regexps.
import { assert, describe, it } from "@effect/vitest"
import { readQuoted } from "../../src/logsql/internal/quote.ts"
import { compile, compileAnchored } from "../../src/logsql/internal/regex.ts"
import { formatTime, parseDuration, parseRfc3339, parseTime, periodEnd } from "../../src/logsql/internal/time.ts"

const s = 1_000_000_000n
const now = 1_700_000_000n * s
const jan1 = 1_704_067_200n * s // 2024-01-01T00:00:00Z

describe("times", () => {
  it("durations: units, sums, fractions, a sign", () => {
    assert.strictEqual(parseDuration("5m"), 300n * s)
    assert.strictEqual(parseDuration("1h30m"), 5400n * s)
    assert.strictEqual(parseDuration("1.5d"), 129_600n * s)
    assert.strictEqual(parseDuration("2w"), 14n * 86_400n * s)
    assert.strictEqual(parseDuration("1y"), 365n * 86_400n * s)
    assert.strictEqual(parseDuration("250ms"), 250_000_000n)
    assert.strictEqual(parseDuration("3µs"), 3_000n)
    assert.strictEqual(parseDuration("7ns"), 7n)
    assert.strictEqual(parseDuration("-10s"), -10n * s)
    for (const bad of ["", "5", "m", "5x", "1h-5m"]) assert.isUndefined(parseDuration(bad), bad)
  })

  it("points in time: RFC 3339, partial dates, Unix s/ms/µs/ns, now and durations back", () => {
    assert.strictEqual(parseTime("2024-01-01T00:00:00Z", now), jan1)
    assert.strictEqual(parseTime("2024-01-01T02:00:00+02:00", now), jan1)
    assert.strictEqual(parseTime("2024-01-01T00:00:00.5Z", now), jan1 + s / 2n)
    assert.strictEqual(parseTime("2024-01-01", now), jan1)
    assert.strictEqual(parseTime("2024-01", now), jan1)
    assert.strictEqual(parseTime("2024", now), jan1)
    assert.strictEqual(parseTime("1704067200", now), jan1)
    assert.strictEqual(parseTime("1704067200.25", now), jan1 + s / 4n)
    assert.strictEqual(parseTime("1704067200000", now), jan1)
    assert.strictEqual(parseTime("1704067200000000", now), jan1)
    assert.strictEqual(parseTime("1704067200000000000", now), jan1)
    assert.strictEqual(parseTime("now", now), now)
    assert.strictEqual(parseTime("5m", now), now - 300n * s)
    assert.strictEqual(parseTime("now-1h", now), now - 3600n * s)
    for (const bad of ["yesterday", "2024-13-01", "2024-01-01T25:00:00Z", "12ab"]) {
      assert.isUndefined(parseTime(bad, now), bad)
    }
  })

  it("the period a timestamp names ends on its last nanosecond", () => {
    assert.strictEqual(periodEnd(jan1, "2024"), parseTime("2025-01-01", now)! - 1n)
    assert.strictEqual(periodEnd(jan1, "2024-01"), parseTime("2024-02-01", now)! - 1n)
    assert.strictEqual(periodEnd(jan1, "2024-01-01"), jan1 + 86_400n * s - 1n)
    assert.strictEqual(periodEnd(jan1, "2024-01-01T00:00"), jan1 + 60n * s - 1n)
    assert.strictEqual(periodEnd(jan1, "2024-01-01T00:00:00Z"), jan1 + s - 1n)
    assert.strictEqual(periodEnd(jan1, "2024-01-01T00:00:00.123456Z"), jan1)
  })

  it("_time prints as RFC 3339 with the fraction's trailing zeros dropped, and reads back", () => {
    assert.strictEqual(formatTime(jan1), "2024-01-01T00:00:00Z")
    assert.strictEqual(formatTime(jan1 + 500_000_000n), "2024-01-01T00:00:00.5Z")
    assert.strictEqual(formatTime(jan1 + 123n), "2024-01-01T00:00:00.000000123Z")
    assert.strictEqual(formatTime(-1n), "1969-12-31T23:59:59.999999999Z")
    for (const t of [jan1, jan1 + 1n, jan1 + 999_999_999n, now]) assert.strictEqual(parseRfc3339(formatTime(t)), t)
  })
})

describe("Go string literals", () => {
  it("double quotes with Go escapes, backquotes raw, single quotes", () => {
    assert.deepStrictEqual(readQuoted('"a\\"b\\n\\t\\\\"x', 0), { text: 'a"b\n\t\\', end: 12 })
    assert.deepStrictEqual(readQuoted('"\\x41\\u00e9\\U0001F600\\101"', 0)?.text, "Aé😀A")
    assert.deepStrictEqual(readQuoted("`a\\b`", 0)?.text, "a\\b")
    assert.deepStrictEqual(readQuoted("'it\\'s'", 0)?.text, "it's")
    for (const bad of ['"open', '"bad \\q"', '"a\nb"', "`open"]) assert.isUndefined(readQuoted(bad, 0), bad)
  })
})

describe("RE2 regexps", () => {
  const test = (pattern: string, value: string) => {
    const c = compile(pattern)
    if (c._tag !== "Ok") assert.fail(`${pattern}: ${c.detail}`)
    return c.regex.test(value)
  }

  it("match anywhere; Go's `.`, `\\s`, \\A, \\z, \\Q…\\E, POSIX classes, literal braces", () => {
    assert.isTrue(test("ell", "hello"))
    assert.isFalse(test("a.b", "a\nb"))
    assert.isTrue(test("a.b", "a\rb"))
    assert.isTrue(test("(?s)a.b", "a\nb"))
    assert.isTrue(test("a(?s:.)b", "a\nb"))
    assert.isFalse(test("a\\sb", "a\u00a0b"))
    assert.isTrue(test("\\Aab\\z", "ab"))
    assert.isFalse(test("\\Aab\\z", "xab"))
    assert.isTrue(test("\\Qa.b*\\E", "xa.b*"))
    assert.isFalse(test("\\Qa.b\\E", "axb"))
    assert.isTrue(test("^[[:alpha:]]+$", "abcXYZ"))
    assert.isFalse(test("^[[:digit:]]+$", "12a"))
    assert.isTrue(test("a{", "a{"))
    assert.isTrue(test("a{2}", "aa"))
    assert.isTrue(test("[]a]", "]"))
    assert.isTrue(test("(?i)HELLO", "hello"))
    assert.isTrue(test("(?P<word>\\w+)", "x"))
    assert.isTrue(test("\\pL", "é"))
    assert.isTrue(test("\\-\\:\\#", "-:#"))
  })

  it("reject what RE2 rejects", () => {
    for (const bad of ["(?=a)", "(?!a)", "(?<=a)b", "(a)\\1", "(", "[a", "a**"]) {
      assert.notStrictEqual(compile(bad)._tag, "Ok", bad)
    }
    assert.strictEqual(compile("(?U)a+")._tag, "Unsupported")
  })

  it("anchored, for stream filters, keeps leading flags", () => {
    const c = compileAnchored("(?i)gas.*")
    if (c._tag !== "Ok") assert.fail(c.detail)
    assert.isTrue(c.regex.test("GASTOWN"))
    assert.isFalse(c.regex.test("xgastown"))
  })
})
