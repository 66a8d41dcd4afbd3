// The CLI's output for people: tables, sparklines, label sets, log records.
import { assert, describe, it } from "@effect/vitest"
import { Correlation, Resource } from "@gastown-otel/schema"
import * as Format from "../../src/cli/internal/Format.ts"

const [role, rig] = Correlation.definitions.map((d) => d.key)
const red = "\x1b[31m"
const yellow = "\x1b[33m"
const reset = "\x1b[0m"

describe("Format", () => {
  it("aligns table columns, numbers to the right, without trailing spaces", () => {
    assert.deepStrictEqual(
      Format.table(
        ["name", "value", "note"],
        [
          ["a", "1", ""],
          ["longer", "12.5", "x"]
        ],
        new Set([1])
      ),
      ["name    value  note", "a           1", "longer   12.5  x"]
    )
  })

  it("draws a sparkline scaled from the smallest to the largest value, gaps as spaces", () => {
    assert.strictEqual(Format.sparkline([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█")
    assert.strictEqual(Format.sparkline([10, undefined, 20, NaN, Infinity]), "▁ █  ")
    assert.strictEqual(Format.sparkline([3, 3, 3]), "▁▁▁", "a flat series")
    assert.strictEqual(Format.sparkline([undefined, undefined]), "  ")
    assert.strictEqual(Format.sparkline([]), "")
  })

  it("groups more values than the width, each group showing its largest", () => {
    const values = Array.from({ length: 120 }, (_, i) => (i === 61 ? 100 : 0))
    const line = Format.sparkline(values, 60)
    assert.strictEqual([...line].length, 60)
    assert.strictEqual(line, "▁".repeat(30) + "█" + "▁".repeat(29))
  })

  it("prints numbers short", () => {
    assert.deepStrictEqual([3, -2, 0.1 + 0.2, 1234567.891, 1e21, NaN, Infinity, -Infinity].map(Format.shortNumber), [
      "3",
      "-2",
      "0.3",
      "1234570",
      "1e+21",
      "NaN",
      "+Inf",
      "-Inf"
    ])
  })

  it("writes a label set with its name in front and the rest sorted", () => {
    assert.strictEqual(Format.labelsText({ b: "2", __name__: "up", a: 'q"' }), 'up{a="q\\"", b="2"}')
    assert.strictEqual(Format.labelsText({ __name__: "up" }), "up")
    assert.strictEqual(Format.labelsText({}), "{}")
  })

  it("factors out the labels every set shares", () => {
    assert.deepStrictEqual(
      Format.splitCommon([
        { __name__: "x", a: "1", b: "1" },
        { __name__: "x", a: "2", c: "1" }
      ]),
      { common: { __name__: "x" }, varying: ["a", "b", "c"] }
    )
    assert.deepStrictEqual(Format.splitCommon([{ a: "1" }]), { common: {}, varying: ["a"] }, "one set: nothing shared")
  })

  it("writes a record: time, severity, message, the gt.* labels, then the other fields by name", () => {
    const fields = {
      _time: "2026-11-30T09:00:00.5Z",
      _msg: "bd.call",
      _stream: '{service.name="gastown"}',
      _stream_id: "0",
      severity: "INFO",
      [Resource.keys.serviceName]: "gastown",
      [rig!]: "mol",
      [role!]: "mol/polecats/jana",
      zeta: "two words",
      alpha: ""
    }
    assert.strictEqual(
      Format.recordLine(fields, { messageWidth: 9, colour: false }),
      `2026-11-30T09:00:00.5Z  INFO   bd.call    ${role}=mol/polecats/jana ${rig}=mol  alpha="" ${Resource.keys.serviceName}=gastown zeta="two words"`
    )
  })

  it("colours a record by severity only when told the terminal renders it", () => {
    const line = (severity: string, colour: boolean) =>
      Format.recordLine({ _time: "t", _msg: "m", severity }, { messageWidth: 1, colour })
    assert.strictEqual(line("ERROR", true), `${red}t  ERROR  m${reset}`)
    assert.strictEqual(line("WARN", true), `${yellow}t  WARN   m${reset}`)
    assert.strictEqual(line("INFO", true), "t  INFO   m")
    assert.strictEqual(line("ERROR", false), "t  ERROR  m")
  })

  it("tables rows that are not records, their fields in the order they first appear", () => {
    assert.isFalse(Format.isRecord({ _msg: "x" }))
    assert.isTrue(Format.isRecord({ _msg: "x", _time: "t" }))
    assert.deepStrictEqual(
      Format.rowsTable([
        { _msg: "bd.call", n: "12" },
        { _msg: "done", n: "1", extra: "y" }
      ]),
      ["_msg     n   extra", "bd.call  12", "done     1   y"]
    )
  })
})
