// Numbers in field values, as range filters and sum/avg read them, and Go's shortest
// fixed-point formatting of float64 (strconv 'f', -1), as stats results print them.

const numberText = /^[+-]?(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?$/

/** A value read as a number; `undefined` when it is not one. */
export const parseNumber = (s: string): number | undefined => {
  if (numberText.test(s)) return Number(s.replaceAll("_", ""))
  const lower = s.toLowerCase()
  if (lower === "inf" || lower === "+inf") return Infinity
  if (lower === "-inf") return -Infinity
  return undefined
}

/** `x` without an exponent, shortest digits that read back as `x`: `1e21` prints all its digits. */
export const formatFloat = (x: number): string => {
  if (Number.isNaN(x)) return "NaN"
  if (x === Infinity) return "+Inf"
  if (x === -Infinity) return "-Inf"
  const s = String(x)
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)
  if (m === null) return s
  const [, sign, lead, rest = "", exp] = m
  const digits = lead! + rest
  const point = 1 + Number(exp)
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}
