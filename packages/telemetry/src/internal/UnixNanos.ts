// Wall-clock time in Unix nanoseconds, with sub-millisecond precision. The emit path keeps
// times as float milliseconds (no bigint per event) and converts them when they are exported.
const originMs = performance.timeOrigin

/** Now, in Unix milliseconds with a fractional part. */
export const nowMillis = (): number => originMs + performance.now()

/** Unix milliseconds (from {@link nowMillis}) as Unix nanoseconds. */
export const fromMillis = (ms: number): bigint => BigInt(Math.round(ms * 1e6))

export const now = (): bigint => fromMillis(nowMillis())
