/**
 * Aligned plain-text tables for people (machines use `--json`).
 */

/**
 * Which side a column's cells hug (numbers read best on the right).
 */
export type Align = "left" | "right"

/**
 * A column: its header and alignment.
 */
export interface Column {
  readonly header: string
  readonly align?: Align | undefined
}

// Code points, not UTF-16 units, so a title with emoji still lines up.
const width = (text: string) => [...text].length

const pad = (text: string, size: number, align: Align | undefined) => {
  const fill = " ".repeat(Math.max(0, size - width(text)))
  return align === "right" ? fill + text : text + fill
}

/**
 * Rows with every column as wide as its widest cell, two spaces apart.
 */
export const align = (
  rows: ReadonlyArray<ReadonlyArray<string>>,
  alignments: ReadonlyArray<Align | undefined> = []
): string => {
  const columns = Math.max(0, ...rows.map((cells) => cells.length))
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((cells) => width(cells[i] ?? ""))))
  return rows
    .map((cells) =>
      widths
        .map((size, i) => pad(cells[i] ?? "", size, alignments[i]))
        .join("  ")
        .trimEnd()
    )
    .join("\n")
}

/**
 * A header line, then the rows, aligned.
 * @example
 * ```ts
 * Table.render([{ header: "ID" }, { header: "COUNT", align: "right" }], [["bd-1", "3"]])
 * ```
 */
export const render = (columns: ReadonlyArray<Column>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  align(
    [columns.map((c) => c.header), ...rows],
    columns.map((c) => c.align)
  )
