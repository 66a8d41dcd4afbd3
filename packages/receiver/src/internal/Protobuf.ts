// A small protobuf wire-format reader for the OTLP messages the receiver decodes. It walks
// fields in place over the request bytes (no message objects, no generated code), which is
// what makes ingest cheap; a truncated or inconsistent message throws `WireError`, so a
// request is either decoded whole or rejected whole.

export class WireError extends Error {
  override readonly name = "WireError"
}

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const

// Node's native UTF-8 slicing: much cheaper than TextDecoder for the short strings OTLP is
// made of, and it replaces invalid sequences with U+FFFD the same way.
const utf8 = (buf: Uint8Array, start: number, end: number): string =>
  Buffer.prototype.utf8Slice.call(buf, start, end) as string

/** How bytes of a request read as text: UTF-8 (strings), base64 (bytes values), hex (ids). */
export type Encoding = "utf8" | "base64" | "hex"

/** Bytes of a request as text in `encoding`. */
export const text = (buf: Uint8Array, start: number, end: number, encoding: Encoding): string =>
  encoding === "utf8"
    ? utf8(buf, start, end)
    : Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString(encoding)

/** The length of that text in bytes, without making it (UTF-8 is kept as sent). */
export const textLength = (bytes: number, encoding: Encoding): number =>
  encoding === "utf8" ? bytes : encoding === "hex" ? 2 * bytes : 4 * Math.ceil(bytes / 3)

// Attribute keys repeat in every record of every request: short ones are decoded once and
// found again by their bytes (a direct-mapped table; a collision just decodes again).
const keySlots = 4096
const keyBytes: Array<Uint8Array | undefined> = []
const keyTexts: Array<string> = []

const key = (buf: Uint8Array, start: number, end: number): string => {
  const n = end - start
  if (n > 32) return utf8(buf, start, end)
  let h = n
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193)
  const slot = (h >>> 0) % keySlots
  const seen = keyBytes[slot]
  if (seen !== undefined && seen.length === n) {
    let same = true
    for (let i = 0; i < n && same; i++) same = seen[i] === buf[start + i]
    if (same) return keyTexts[slot]!
  }
  const decoded = utf8(buf, start, end)
  keyBytes[slot] = buf.slice(start, end)
  keyTexts[slot] = decoded
  return decoded
}

/** Bytes as a one-byte string, one character per byte: a cheap exact key for a byte range. */
export const latin1 = (buf: Uint8Array, start: number, end: number): string =>
  Buffer.prototype.latin1Slice.call(buf, start, end) as string

// A double's bytes are copied here to be read, instead of a view per value (typed arrays are
// little-endian, as protobuf, wherever the receiver runs: its blocks assume it too).
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)

/** A cursor over one message: `next()` reads a field header, then one `read*`/`skip` call reads its value. */
export class Reader {
  readonly buf: Uint8Array
  end: number
  pos: number
  /** Where the current field starts (its tag). */
  fieldStart = 0
  field = 0
  wire = 0

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  /** Advances to the next field; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false
    this.fieldStart = this.pos
    const tag = this.varint32()
    this.field = tag >>> 3
    this.wire = tag & 7
    if (this.field === 0) throw new WireError(`field number 0 at byte ${this.pos}`)
    return true
  }

  private expect(wire: number): void {
    if (this.wire !== wire) throw new WireError(`field ${this.field} has wire type ${this.wire}, expected ${wire}`)
  }

  /** A varint that fits 32 bits (tags, lengths, enums, bools); longer ones are read and truncated as protobuf does. */
  varint32(): number {
    const buf = this.buf
    let result = 0
    let shift = 0
    while (true) {
      if (this.pos >= this.end) throw new WireError("truncated varint")
      const b = buf[this.pos++]!
      if (shift < 32) result |= (b & 0x7f) << shift
      if (b < 0x80) return result >>> 0
      shift += 7
      if (shift >= 70) throw new WireError("varint longer than 10 bytes")
    }
  }

  /** A 64-bit varint as a BigInt (unsigned). */
  varint64(): bigint {
    const buf = this.buf
    let lo = 0
    let hi = 0
    let shift = 0
    while (true) {
      if (this.pos >= this.end) throw new WireError("truncated varint")
      const b = buf[this.pos++]!
      if (shift < 28) lo |= (b & 0x7f) << shift
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28
        hi |= (b & 0x7f) >>> 4
      } else if (shift < 64) hi |= (b & 0x7f) << (shift - 32)
      if (b < 0x80) break
      shift += 7
      if (shift >= 70) throw new WireError("varint longer than 10 bytes")
    }
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
  }

  uint32(): number {
    this.expect(WireType.varint)
    return this.varint32()
  }

  bool(): boolean {
    this.expect(WireType.varint)
    return this.varint64() !== 0n
  }

  int64(): bigint {
    this.expect(WireType.varint)
    return BigInt.asIntN(64, this.varint64())
  }

  private take(n: number): number {
    const at = this.pos
    if (n > this.end - at) throw new WireError(`field ${this.field} needs ${n} bytes, ${this.end - at} left`)
    this.pos = at + n
    return at
  }

  /** A fixed64 as its two 32-bit halves, for exact nanosecond arithmetic without BigInt. */
  fixed64Parts(): { lo: number; hi: number } {
    this.expect(WireType.fixed64)
    const at = this.take(8)
    const b = this.buf
    return {
      lo: (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
      hi: (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0
    }
  }

  /** A fixed64 as a number; exact below 2^53 (counts), rounded above. */
  fixed64(): number {
    const { lo, hi } = this.fixed64Parts()
    return hi * 4294967296 + lo
  }

  sfixed64(): number {
    const { lo, hi } = this.fixed64Parts()
    return (hi | 0) * 4294967296 + lo
  }

  double(): number {
    this.expect(WireType.fixed64)
    const at = this.take(8)
    for (let i = 0; i < 8; i++) scratchBytes[i] = this.buf[at + i]!
    return scratch[0]!
  }

  /** Where the last `payload()` ends. */
  payloadEnd = 0

  /** A length-delimited field's payload: where it starts (it ends at `payloadEnd`). */
  payload(): number {
    this.expect(WireType.bytes)
    const n = this.varint32()
    const start = this.take(n)
    this.payloadEnd = start + n
    return start
  }

  /** The bounds of a length-delimited field's payload. */
  bytesRange(): { start: number; end: number } {
    const start = this.payload()
    return { start, end: this.payloadEnd }
  }

  /**
   * Narrows this reader to an embedded message (the current field), as `message()` would
   * read it but without a new reader; `leave` with the returned value resumes after it.
   */
  enter(): number {
    const start = this.payload()
    const outer = this.end
    this.pos = start
    this.end = this.payloadEnd
    return outer
  }

  leave(outer: number): void {
    this.pos = this.end
    this.end = outer
  }

  bytes(): Uint8Array {
    const { start, end } = this.bytesRange()
    return this.buf.subarray(start, end)
  }

  string(): string {
    const start = this.payload()
    return utf8(this.buf, start, this.payloadEnd)
  }

  /** A string that repeats across messages (an attribute key): the same as `string()`, cached. */
  key(): string {
    const start = this.payload()
    return key(this.buf, start, this.payloadEnd)
  }

  /** A reader over an embedded message. */
  message(): Reader {
    const { start, end } = this.bytesRange()
    return new Reader(this.buf, start, end)
  }

  /** A repeated fixed64/double, packed or not: calls `each` per element. */
  repeated64(each: (view: DataView, at: number) => void): void {
    if (this.wire === WireType.fixed64) {
      const at = this.take(8)
      return each(new DataView(this.buf.buffer, this.buf.byteOffset), at)
    }
    const { start, end } = this.bytesRange()
    if ((end - start) % 8 !== 0) throw new WireError(`packed field ${this.field} of ${end - start} bytes`)
    const view = new DataView(this.buf.buffer, this.buf.byteOffset)
    for (let at = start; at < end; at += 8) each(view, at)
  }

  /** Skips the current field's value. */
  skip(): void {
    switch (this.wire) {
      case WireType.varint:
        this.varint64()
        return
      case WireType.fixed64:
        this.take(8)
        return
      case WireType.bytes:
        this.take(this.varint32())
        return
      case WireType.fixed32:
        this.take(4)
        return
      default:
        throw new WireError(`unsupported wire type ${this.wire} for field ${this.field}`)
    }
  }
}

/** Unix milliseconds (floored) and the nanoseconds within that millisecond, exactly, from a fixed64's halves. */
export const splitNanos = (lo: number, hi: number): { ms: number; nsInMs: number } => {
  // hi * 2^32 = hi * 4294 * 10^6 + hi * 967296: every partial stays below 2^53.
  const rest = hi * 967296 + lo
  const nsInMs = rest % 1e6
  return { ms: hi * 4294 + (rest - nsInMs) / 1e6, nsInMs }
}
