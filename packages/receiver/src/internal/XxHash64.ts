// XXH64 with seed 0, the hash VictoriaLogs derives `_stream_id` from. BigInt arithmetic: it
// runs once per new stream, never per record.

const P1 = 0x9e3779b185ebca87n
const P2 = 0xc2b2ae3d27d4eb4fn
const P3 = 0x165667b19e3779f9n
const P4 = 0x85ebca77c2b2ae63n
const P5 = 0x27d4eb2f165667c5n
const MASK = 0xffffffffffffffffn

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK
const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & MASK, 31n) * P1) & MASK
const merge = (acc: bigint, v: bigint) => ((((acc ^ round(0n, v)) * P1) & MASK) + P4) & MASK

export const xxhash64 = (data: Uint8Array): bigint => {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const len = data.byteLength
  let i = 0
  let h: bigint
  if (len >= 32) {
    let v1 = (P1 + P2) & MASK
    let v2 = P2
    let v3 = 0n
    let v4 = (0n - P1) & MASK
    for (; i + 32 <= len; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true))
      v2 = round(v2, view.getBigUint64(i + 8, true))
      v3 = round(v3, view.getBigUint64(i + 16, true))
      v4 = round(v4, view.getBigUint64(i + 24, true))
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK
    h = merge(merge(merge(merge(h, v1), v2), v3), v4)
  } else {
    h = P5
  }
  h = (h + BigInt(len)) & MASK
  for (; i + 8 <= len; i += 8) {
    h ^= round(0n, view.getBigUint64(i, true))
    h = ((rotl(h, 27n) * P1) & MASK) + P4
    h &= MASK
  }
  if (i + 4 <= len) {
    h ^= (BigInt(view.getUint32(i, true)) * P1) & MASK
    h = (((rotl(h, 23n) * P2) & MASK) + P3) & MASK
    i += 4
  }
  for (; i < len; i++) {
    h ^= (BigInt(data[i]!) * P5) & MASK
    h = (rotl(h, 11n) * P1) & MASK
  }
  h ^= h >> 33n
  h = (h * P2) & MASK
  h ^= h >> 29n
  h = (h * P3) & MASK
  h ^= h >> 32n
  return h
}
