// Wall-clock time in Unix nanoseconds, with sub-millisecond precision.
export const now: () => bigint = (() => {
  const originMs = performance.timeOrigin
  return () => BigInt(Math.round((originMs + performance.now()) * 1e6))
})()
