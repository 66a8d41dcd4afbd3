// The checkout these tests ship: its root, its README's code blocks, and the machine's own
// Node (the one a user's plain shell finds, not the pinned one the tests run on).
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

export const root = path.resolve(import.meta.dirname, "../../../..")

export const readme = (): string => fs.readFileSync(path.join(root, "README.md"), "utf8")

export interface Block {
  /** The `## ` heading the block sits under. */
  readonly section: string
  /** The fence's language tag (`bash`, `ts`, … or empty). */
  readonly language: string
  readonly text: string
}

/** Every fenced code block of a Markdown text, with its section. */
export const blocks = (markdown: string): ReadonlyArray<Block> => {
  const found: Array<Block> = []
  let section = ""
  let open: { language: string; lines: Array<string> } | undefined
  for (const line of markdown.split("\n")) {
    if (open !== undefined) {
      if (line.startsWith("```")) {
        found.push({ section, language: open.language, text: open.lines.join("\n") + "\n" })
        open = undefined
      } else open.lines.push(line)
    } else if (line.startsWith("```")) open = { language: line.slice(3).trim(), lines: [] }
    else if (line.startsWith("## ")) section = line.slice(3).trim()
  }
  return found
}

export const shellLanguages = new Set(["bash", "sh", "shell"])

/** The one block of `section` in `language`. */
export const block = (markdown: string, section: string, language: string): string => {
  const matching = blocks(markdown).filter((b) => b.section === section && b.language === language)
  if (matching.length !== 1) throw new Error(`README: ${matching.length} ${language} blocks under "## ${section}"`)
  return matching[0]!.text
}

/** The first `node` on PATH outside this checkout: what a plain shell runs. */
export const systemNode = (): string => {
  const outside = (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && path.relative(root, path.resolve(dir)).startsWith(".."))
  const found = outside.map((dir) => path.join(dir, "node")).find((file) => fs.existsSync(file))
  if (found === undefined) throw new Error(`no node on PATH outside ${root}`)
  return found
}

export const versionOf = (node: string): string =>
  execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim()

/** The checkout's top-level entries a fresh clone has (tracked), plus what its set-up installs. */
export const cloneEntries = (): ReadonlyArray<string> => {
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "")
    .map((file) => file.split("/")[0]!)
  return [...new Set([...tracked, "node_modules", ".tools"])].filter((entry) => fs.existsSync(path.join(root, entry)))
}
