// Compares two Prometheus-API answers (VictoriaMetrics' and ours) as data: the same
// status, result type and series (in any order), each point equal within a relative
// 1e-9 (plus 1e-12 absolute for values that cancel to about zero: VictoriaMetrics sums
// series in parallel, in no fixed order). For topk/bottomk, whose choice among equal
// values is unspecified, the values present at each timestamp are compared instead.
// `tolerate` may excuse a point (a series key and timestamp) that differs for a reason the
// caller has established.

interface ApiSeries {
  readonly metric: Record<string, string>
  readonly value?: [number, string]
  readonly values?: ReadonlyArray<[number, string]>
}

interface ApiData {
  readonly resultType?: string
  readonly result?: ReadonlyArray<ApiSeries>
}

interface ApiAnswer {
  readonly status?: string
  readonly data?: ApiData | ReadonlyArray<unknown>
}

const number = (s: string): number => (s === "+Inf" ? Infinity : s === "-Inf" ? -Infinity : Number(s))

export const close = (a: number, b: number): boolean => {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
  if (a === b) return true
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12
}

const points = (s: ApiSeries): ReadonlyArray<[number, number]> =>
  (s.values ?? (s.value === undefined ? [] : [s.value])).map(([t, v]) => [t, number(v)])

export const key = (metric: Record<string, string>) => JSON.stringify(Object.entries(metric).toSorted())

export interface Options {
  readonly ranked: boolean
  readonly tolerate?: ((key: string, t: number) => boolean) | undefined
}

export const compare = (ours: unknown, theirs: unknown, options: Options): Array<string> => {
  const a = ours as ApiAnswer
  const b = theirs as ApiAnswer
  if (a.status !== b.status) return [`status ${a.status} vs ${b.status}`]
  if (a.status !== "success") return []
  if (Array.isArray(a.data) || Array.isArray(b.data)) {
    const x = JSON.stringify([...((a.data as Array<unknown>) ?? [])].map((v) => JSON.stringify(v)).toSorted())
    const y = JSON.stringify([...((b.data as Array<unknown>) ?? [])].map((v) => JSON.stringify(v)).toSorted())
    return x === y ? [] : [`data ${x} vs ${y}`]
  }
  const da = a.data as ApiData
  const db = b.data as ApiData
  if (da.resultType !== db.resultType) return [`resultType ${da.resultType} vs ${db.resultType}`]
  const ra = da.result ?? []
  const rb = db.result ?? []
  if (options.ranked) return compareRanked(ra, rb)
  const diffs: Array<string> = []
  const mb = new Map(rb.map((s) => [key(s.metric), s]))
  const ma = new Map(ra.map((s) => [key(s.metric), s]))
  for (const [k] of ma) if (!mb.has(k)) diffs.push(`only ours: ${k}`)
  for (const [k] of mb) if (!ma.has(k)) diffs.push(`only theirs: ${k}`)
  for (const [k, sa] of ma) {
    const sb = mb.get(k)
    if (sb === undefined) continue
    const pa = points(sa)
    const pb = points(sb)
    if (pa.length !== pb.length) {
      diffs.push(
        `${k}: ${pa.length} vs ${pb.length} points; ours ${JSON.stringify(pa.slice(0, 5))} theirs ${JSON.stringify(pb.slice(0, 5))}`
      )
      continue
    }
    for (let i = 0; i < pa.length; i++) {
      if (pa[i]![0] !== pb[i]![0] || !close(pa[i]![1], pb[i]![1])) {
        if (pa[i]![0] === pb[i]![0] && options.tolerate?.(k, pb[i]![0]) === true) continue
        diffs.push(`${k} at ${pb[i]![0]}: ${pa[i]![0]}=${pa[i]![1]} vs ${pb[i]![1]}`)
        break
      }
    }
  }
  return diffs.slice(0, 5)
}

const compareRanked = (ra: ReadonlyArray<ApiSeries>, rb: ReadonlyArray<ApiSeries>): Array<string> => {
  const byTime = (r: ReadonlyArray<ApiSeries>) => {
    const m = new Map<number, Array<number>>()
    for (const s of r) for (const [t, v] of points(s)) m.set(t, [...(m.get(t) ?? []), v])
    for (const vs of m.values()) vs.sort((x, y) => x - y)
    return m
  }
  const ta = byTime(ra)
  const tb = byTime(rb)
  const diffs: Array<string> = []
  for (const t of new Set([...ta.keys(), ...tb.keys()])) {
    const va = ta.get(t) ?? []
    const vb = tb.get(t) ?? []
    if (va.length !== vb.length || va.some((v, i) => !close(v, vb[i]!))) {
      diffs.push(`at ${t}: ${JSON.stringify(va)} vs ${JSON.stringify(vb)}`)
    }
  }
  return diffs.slice(0, 5)
}
