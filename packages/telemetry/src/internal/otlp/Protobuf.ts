// A minimal protobuf writer: one growable buffer and free functions that append wire-format values to it.
// Only what the OTLP encoder needs; no reader, no reflection.

// A growable output buffer. Mutable on purpose: every write appends at `pos`.
export interface Writer {
  buf: Uint8Array
  view: DataView
  pos: number
}

// A fresh writer with `initialCapacity` bytes of room.
export const make = (initialCapacity = 4096): Writer => {
  const buf = new Uint8Array(initialCapacity)
  return { buf, view: new DataView(buf.buffer), pos: 0 }
}

// Empties the writer, keeping its buffer for reuse.
export const reset = (w: Writer): void => {
  w.pos = 0
}

// A copy of the bytes written so far; the copy lets the writer's buffer be reused.
export const finish = (w: Writer): Uint8Array => w.buf.slice(0, w.pos)

// Makes room for `n` more bytes, doubling the buffer as needed.
export const ensure = (w: Writer, n: number): void => {
  const need = w.pos + n
  if (need <= w.buf.length) return
  let size = w.buf.length * 2
  while (size < need) size *= 2
  const buf = new Uint8Array(size)
  buf.set(w.buf.subarray(0, w.pos))
  w.buf = buf
  w.view = new DataView(buf.buffer)
}

// The number of bytes `n` (an unsigned 32-bit integer) takes as a varint.
export const varintSize = (n: number): number =>
  n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5

// An unsigned 32-bit varint (tags, lengths, enums, bools, uint32 fields).
export const uint32 = (w: Writer, n: number): void => {
  ensure(w, 5)
  const buf = w.buf
  let pos = w.pos
  let v = n >>> 0
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buf[pos++] = v
  w.pos = pos
}

// A 64-bit varint given as its low and high unsigned 32-bit halves.
export const varint64 = (w: Writer, lo: number, hi: number): void => {
  ensure(w, 10)
  const buf = w.buf
  let pos = w.pos
  let l = lo >>> 0
  let h = hi >>> 0
  while (h !== 0) {
    buf[pos++] = (l & 0x7f) | 0x80
    l = ((l >>> 7) | (h << 25)) >>> 0
    h >>>= 7
  }
  while (l > 0x7f) {
    buf[pos++] = (l & 0x7f) | 0x80
    l >>>= 7
  }
  buf[pos++] = l
  w.pos = pos
}

// 2^32: splits a safe integer into 32-bit halves without allocating a bigint.
const TWO_32 = 4294967296

// A signed int64 varint from a JS number (truncated to an integer; negatives take ten bytes, as int64 requires).
export const int64 = (w: Writer, n: number): void => {
  const v = Math.trunc(n) || 0
  // ToUint32 (`>>> 0`) is arithmetic modulo 2^32, so both halves come out in two's complement.
  varint64(w, v >>> 0, Math.floor(v / TWO_32) >>> 0)
}

// A little-endian fixed32.
export const fixed32 = (w: Writer, n: number): void => {
  ensure(w, 4)
  w.view.setUint32(w.pos, n >>> 0, true)
  w.pos += 4
}

// A little-endian fixed64 (or sfixed64: the bytes are the same) from a JS number, truncated to an integer.
export const fixed64 = (w: Writer, n: number): void => {
  ensure(w, 8)
  const v = Math.trunc(n) || 0
  w.view.setUint32(w.pos, v >>> 0, true)
  w.view.setUint32(w.pos + 4, Math.floor(v / TWO_32) >>> 0, true)
  w.pos += 8
}

// A little-endian fixed64 from a bigint (nanosecond timestamps), taken modulo 2^64.
export const fixed64Big = (w: Writer, n: bigint): void => {
  ensure(w, 8)
  w.view.setBigUint64(w.pos, n, true)
  w.pos += 8
}

// A little-endian IEEE 754 double.
export const double = (w: Writer, n: number): void => {
  ensure(w, 8)
  w.view.setFloat64(w.pos, n, true)
  w.pos += 8
}

const utf8 = new TextEncoder()

// A length-prefixed UTF-8 string. Lone surrogates become U+FFFD, as with `TextEncoder`.
export const string = (w: Writer, s: string): void => {
  const len = s.length
  // Fast path: assume ASCII, so the byte length is the UTF-16 length; bail out at the first wider char.
  ensure(w, 5 + len)
  const start = w.pos
  uint32(w, len)
  const buf = w.buf
  let pos = w.pos
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) {
      w.pos = start
      return stringSlow(w, s)
    }
    buf[pos++] = c
  }
  w.pos = pos
}

// Any UTF-16 unit takes at most 3 UTF-8 bytes (a surrogate pair takes 4 for 2 units), so 3 * length bounds the size.
const stringSlow = (w: Writer, s: string): void => {
  const max = s.length * 3
  const prefix = varintSize(max)
  ensure(w, prefix + max)
  const start = w.pos
  const { written } = utf8.encodeInto(s, w.buf.subarray(start + prefix, start + prefix + max))
  const actual = varintSize(written)
  if (actual < prefix) w.buf.copyWithin(start + actual, start + prefix, start + prefix + written)
  uint32(w, written)
  w.pos = start + actual + written
}

// Bytes as they are (already encoded fields).
export const raw = (w: Writer, bytes: Uint8Array): void => {
  ensure(w, bytes.length)
  w.buf.set(bytes, w.pos)
  w.pos += bytes.length
}

// A hex digit's value, or -1.
const nibble = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1

// Length-prefixed bytes from a hex string of exactly `2 * size` digits. Writes nothing and returns false when the
// string is malformed, so a bad id drops the field rather than sending a wrong-sized one.
export const hexBytes = (w: Writer, tag: number, hex: string, size: number): boolean => {
  if (hex.length !== size * 2) return false
  ensure(w, 10 + size)
  const start = w.pos
  uint32(w, tag)
  uint32(w, size)
  const buf = w.buf
  let pos = w.pos
  for (let i = 0; i < hex.length; i += 2) {
    const hi = nibble(hex.charCodeAt(i))
    const lo = nibble(hex.charCodeAt(i + 1))
    if (hi < 0 || lo < 0) {
      w.pos = start
      return false
    }
    buf[pos++] = (hi << 4) | lo
  }
  w.pos = pos
  return true
}

// Starts a length-delimited field (nested message or packed repeated): writes `tag` and reserves one length byte.
// Returns the offset to hand to {@link ldelim}.
export const fork = (w: Writer, tag: number): number => {
  uint32(w, tag)
  ensure(w, 1)
  return w.pos++
}

// Ends a field started by {@link fork}: fills in its length. Most OTLP sub-messages are under 128 bytes, so one byte
// usually suffices; a longer body is shifted right to make room, which costs one memmove per large message.
export const ldelim = (w: Writer, at: number): void => {
  const body = at + 1
  const len = w.pos - body
  if (len < 0x80) {
    w.buf[at] = len
    return
  }
  const extra = varintSize(len) - 1
  ensure(w, extra)
  w.buf.copyWithin(body + extra, body, w.pos)
  const end = w.pos + extra
  w.pos = at
  uint32(w, len)
  w.pos = end
}
