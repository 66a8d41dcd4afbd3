/**
 * Plain aligned columns for people; no colour, so output reads the same in a pipe.
 */

/**
 * Rows padded to their widest cell; the last column is left ragged.
 */
export const render = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows.reduce<Array<number>>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), [])
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
    .join("\n")
}
