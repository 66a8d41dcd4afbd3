// Values spelled the way VictoriaMetrics and VictoriaLogs (Go) spell them, so stored label
// values and fields read the same as in the real stack: `le="0.005"`, `1e+21` never.

// The shortest round-tripping digits of a finite, non-zero |v| and its decimal exponent.
const shortest = (v: number): { digits: string; exp: number } => {
  const [mantissa, exponent] = Math.abs(v).toExponential().split("e") as [string, string]
  return { digits: mantissa.replace(".", ""), exp: Number(exponent) }
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent; `+Inf`, `-Inf`, `NaN`. */
export const formatFloat = (v: number): string => {
  if (Number.isNaN(v)) return "NaN"
  if (v === Infinity) return "+Inf"
  if (v === -Infinity) return "-Inf"
  if (v === 0) return Object.is(v, -0) ? "-0" : "0"
  // JavaScript prints the same shortest digits, without an exponent from 1e-7 to 1e21.
  const plain = String(v)
  if (!plain.includes("e")) return plain
  const sign = v < 0 ? "-" : ""
  const { digits, exp } = shortest(v)
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`
  const whole = exp + 1
  if (digits.length <= whole) return sign + digits + "0".repeat(whole - digits.length)
  return `${sign}${digits.slice(0, whole)}.${digits.slice(whole)}`
}

// Go's `%e` exponent: a sign and at least two digits.
const exponent = (exp: number) => (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0")

/** Go's `strconv.FormatFloat(v, 'g', -1, 64)`, how VictoriaLogs writes doubles inside JSON arrays. */
export const formatFloatG = (v: number): string => {
  if (!Number.isFinite(v) || v === 0) return formatFloat(v)
  const { digits, exp } = shortest(v)
  if (exp >= -4 && exp < 6) return formatFloat(v)
  const sign = v < 0 ? "-" : ""
  return `${sign}${digits[0]}${digits.length > 1 ? "." + digits.slice(1) : ""}e${exponent(exp)}`
}

/** Go's `strconv.FormatFloat(v, 'e', 3, 64)`: `1.000e+00`, the exponent at least two digits. */
export const formatExp3 = (v: number): string => {
  if (Number.isNaN(v)) return "NaN"
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf"
  const [mantissa, exp] = v.toExponential(3).split("e") as [string, string]
  return `${Object.is(v, -0) ? "-" : ""}${mantissa}e${exponent(Number(exp))}`
}

const escapes: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  '"': '\\"',
  "\\": "\\\\"
}

/** Go's `strconv.Quote` for valid UTF-8: quotes, backslashes and control characters escaped, the rest kept. */
export const quote = (s: string): string =>
  '"' +
  // eslint-disable-next-line no-control-regex
  s.replace(/[\x00-\x1f"\\\x7f-\x9f\u2028\u2029\ufeff]/g, (c) => {
    const escaped = escapes[c]
    if (escaped !== undefined) return escaped
    const code = c.charCodeAt(0)
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
  }) +
  '"'

/** Go's `time.Format(time.RFC3339Nano)` in UTC: the fraction without trailing zeros, none when zero. */
export const rfc3339Nano = (ms: number, nsInMs: number): string => {
  const date = new Date(ms)
  const iso = date.toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const millis = ((ms % 1000) + 1000) % 1000
  const fraction = (String(millis).padStart(3, "0") + String(nsInMs).padStart(6, "0")).replace(/0+$/, "")
  return iso.slice(0, 19) + (fraction === "" ? "" : "." + fraction) + "Z"
}
