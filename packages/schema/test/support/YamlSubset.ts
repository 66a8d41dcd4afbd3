// A strict reader for the YAML subset the stack's files are written in (block mappings and
// sequences, full-line comments, scalars in JSON syntax), written apart from the writer so a
// test can read the files back. Anything outside the subset (tabs, flow collections, plain
// scalars, anchors, trailing comments, odd indentation) is an error, not a guess.
import { spawnSync } from "node:child_process"

export class YamlError extends Error {}

interface Line {
  readonly indent: number
  readonly text: string
  readonly number: number
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_./-]*/

// The end of a JSON string starting at `start` (the index after its closing quote).
const jsonStringEnd = (text: string, start: number): number => {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1
  if (i >= text.length) throw new YamlError(`unclosed string: ${text}`)
  return i + 1
}

// A mapping entry's key and the rest of the line after `: `, or undefined when `text` is not one.
const entry = (text: string): { readonly key: string; readonly rest: string } | undefined => {
  let key: string
  let end: number
  if (text.startsWith('"')) {
    end = jsonStringEnd(text, 0)
    key = JSON.parse(text.slice(0, end)) as string
  } else {
    const match = plainKey.exec(text)
    if (match === null) return undefined
    key = match[0]
    end = key.length
  }
  if (text[end] !== ":") return undefined
  if (end + 1 === text.length) return { key, rest: "" }
  if (text[end + 1] !== " ") return undefined
  return { key, rest: text.slice(end + 2) }
}

const scalar = (text: string, line: Line): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    throw new YamlError(`line ${line.number}: not a JSON scalar: ${text}`)
  }
}

class Reader {
  private i = 0
  private readonly lines: Array<Line>
  constructor(lines: Array<Line>) {
    this.lines = lines
  }

  read(): unknown {
    if (this.lines.length === 0) throw new YamlError("empty document")
    const value = this.node(0)
    if (this.i < this.lines.length) throw new YamlError(`line ${this.lines[this.i]!.number}: unexpected indentation`)
    return value
  }

  private node(indent: number): unknown {
    const line = this.lines[this.i]!
    if (line.indent !== indent) throw new YamlError(`line ${line.number}: expected indentation ${indent}`)
    return line.text === "-" || line.text.startsWith("- ") ? this.sequence(indent) : this.mapping(indent)
  }

  private child(parent: Line): unknown {
    const next = this.lines[this.i]
    if (next === undefined || next.indent <= parent.indent) throw new YamlError(`line ${parent.number}: empty value`)
    return this.node(next.indent)
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    while (this.i < this.lines.length && this.lines[this.i]!.indent === indent) {
      const line = this.lines[this.i]!
      const parsed = entry(line.text)
      if (parsed === undefined) throw new YamlError(`line ${line.number}: not a mapping entry: ${line.text}`)
      if (Object.hasOwn(out, parsed.key)) throw new YamlError(`line ${line.number}: duplicate key ${parsed.key}`)
      this.i++
      out[parsed.key] = parsed.rest === "" ? this.child(line) : scalar(parsed.rest, line)
    }
    return out
  }

  private sequence(indent: number): Array<unknown> {
    const out: Array<unknown> = []
    while (this.i < this.lines.length && this.lines[this.i]!.indent === indent) {
      const line = this.lines[this.i]!
      if (!line.text.startsWith("- ")) throw new YamlError(`line ${line.number}: expected a sequence item`)
      const rest = line.text.slice(2)
      if (entry(rest) !== undefined || rest.startsWith("- ")) {
        // A block that starts on the dash line: read it as if it began two columns in.
        this.lines[this.i] = { indent: indent + 2, text: rest, number: line.number }
        out.push(this.node(indent + 2))
      } else {
        this.i++
        out.push(scalar(rest, line))
      }
    }
    return out
  }
}

/** Reads a document of the subset. */
export const parse = (text: string): unknown => {
  const lines: Array<Line> = []
  text.split("\n").forEach((raw, n) => {
    if (raw.includes("\t")) throw new YamlError(`line ${n + 1}: tab`)
    const body = raw.trimStart()
    if (body === "" || body.startsWith("#")) return
    if (raw !== raw.trimEnd()) throw new YamlError(`line ${n + 1}: trailing space`)
    lines.push({ indent: raw.length - body.length, text: body, number: n + 1 })
  })
  return new Reader(lines).read()
}

const pyyamlProgram = "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"

/** Whether python3 with PyYAML is on this machine: an independent YAML reader to compare with. */
export const pyyamlAvailable = (): boolean =>
  spawnSync("python3", ["-c", "import yaml"], { stdio: "ignore" }).status === 0

/** Reads a document with PyYAML (a full YAML implementation), as JSON. */
export const parseWithPyyaml = (text: string): unknown => {
  const run = spawnSync("python3", ["-c", pyyamlProgram], { input: text, encoding: "utf8" })
  if (run.status !== 0) throw new YamlError(`PyYAML: ${run.stderr}`)
  return JSON.parse(run.stdout)
}
