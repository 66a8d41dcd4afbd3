// How VictoriaLogs orders values in `sort` and `min`/`max` (lib/logstorage lessString): as
// integers when both are, then as RFC 3339 timestamps, then as numbers, then naturally (runs of
// digits compared by value).
import { parseNumber } from "./number.ts"
import { parseRfc3339 } from "./time.ts"

const integer = /^-?\d+$/

const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0)

const natural = (a: string, b: string): number => {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const da = /^\d+/.exec(a.slice(i))?.[0]
    const db = /^\d+/.exec(b.slice(j))?.[0]
    if (da !== undefined && db !== undefined) {
      const c = compareBig(BigInt(da), BigInt(db))
      if (c !== 0) return c
      i += da.length
      j += db.length
      continue
    }
    if (a[i] !== b[j]) return a[i]! < b[j]! ? -1 : 1
    i++
    j++
  }
  return a.length - i - (b.length - j)
}

/** Negative when `a` sorts before `b`, as VictoriaLogs orders values. */
export const compareValues = (a: string, b: string): number => {
  if (a === b) return 0
  if (integer.test(a) && integer.test(b)) return compareBig(BigInt(a), BigInt(b))
  const ta = parseRfc3339(a)
  const tb = ta === undefined ? undefined : parseRfc3339(b)
  if (ta !== undefined && tb !== undefined) return compareBig(ta, tb)
  const na = parseNumber(a)
  const nb = na === undefined ? undefined : parseNumber(b)
  if (na !== undefined && nb !== undefined && na !== nb) return na < nb ? -1 : 1
  return natural(a, b)
}
