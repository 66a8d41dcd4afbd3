/**
 * OTLP attribute values as VictoriaMetrics and VictoriaLogs turn them into label values
 * and fields: everything becomes a string. Ints in decimal, doubles as Go prints them
 * (`0.005`, never `5e-3`), booleans `true`/`false`, bytes in base64, arrays as JSON, and a
 * key-value list flattened into dotted names (`parent.child`). A key-value without a key or
 * without a value is skipped.
 *
 * @since 0.1.0
 */
import { formatFloat, formatFloatG } from "../internal/GoFormat.ts"
import { type Encoding, Reader, text, WireType } from "../internal/Protobuf.ts"

/**
 * Receives one flattened attribute.
 *
 * @since 0.1.0
 * @category models
 */
export type Emit = (name: string, value: string) => void

/**
 * Where decoded attributes go. String and bytes values are handed over as their bytes in
 * the request and the encoding they read in (`utf8` for strings, `base64` for bytes), so
 * that a caller that only measures them skips decoding them; other values as text.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly bytes: (name: string, buf: Uint8Array, start: number, end: number, encoding: Encoding) => void
  readonly text: (name: string, value: string) => void
}

/**
 * A target that decodes every value into `emit`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decoding = (emit: Emit): Target => ({
  bytes: (name, buf, start, end, encoding) => emit(name, text(buf, start, end, encoding)),
  text: emit
})

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

/**
 * Decodes one `KeyValue` message into `target` as `prefix.key` (or `key` with no prefix).
 *
 * @since 0.1.0
 * @category decoding
 */
export const keyValue = (kv: Reader, prefix: string, target: Target): void => {
  let key: string | undefined
  let valueStart = -1
  let valueEnd = -1
  while (kv.next()) {
    if (kv.field === 1 && kv.wire === WireType.bytes) key = kv.key()
    else if (kv.field === 2 && kv.wire === WireType.bytes) {
      valueStart = kv.payload()
      valueEnd = kv.payloadEnd
    } else kv.skip()
  }
  if (key === undefined || valueStart < 0) return
  // The value, read in place: the reader narrowed to it, then back at the end.
  const end = kv.end
  kv.pos = valueStart
  kv.end = valueEnd
  anyValue(kv, prefix === "" ? key : `${prefix}.${key}`, target)
  kv.pos = end
  kv.end = end
}

/**
 * Decodes one `AnyValue` message under `name`. Only the last member present counts, as
 * with any protobuf `oneof`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const anyValue = (value: Reader, name: string, target: Target): void => {
  while (value.next()) {
    switch (value.field) {
      case 1: {
        const start = value.payload()
        target.bytes(name, value.buf, start, value.payloadEnd, "utf8")
        break
      }
      case 2:
        target.text(name, value.bool() ? "true" : "false")
        break
      case 3:
        target.text(name, value.int64().toString())
        break
      case 4:
        target.text(name, formatFloat(value.double()))
        break
      case 5:
        target.text(name, arrayJson(value.message()))
        break
      case 6: {
        const outer = value.enter()
        attributesOf(value, 1, name, target)
        value.leave(outer)
        break
      }
      case 7: {
        const start = value.payload()
        target.bytes(name, value.buf, start, value.payloadEnd, "base64")
        break
      }
      default:
        value.skip()
    }
  }
}

// Arrays are kept whole as JSON, as VictoriaLogs does for /insert/jsonline.
const arrayJson = (array: Reader): string => {
  const items: Array<string> = []
  while (array.next()) {
    if (array.field === 1) items.push(anyValueJson(array.message()))
    else array.skip()
  }
  return `[${items.join(",")}]`
}

const anyValueJson = (value: Reader): string => {
  let json = "null"
  while (value.next()) {
    switch (value.field) {
      case 1:
        json = JSON.stringify(value.string())
        break
      case 2:
        json = value.bool() ? "true" : "false"
        break
      case 3:
        json = value.int64().toString()
        break
      case 4:
        json = formatFloatG(value.double())
        break
      case 5:
        json = arrayJson(value.message())
        break
      case 6: {
        const list = value.message()
        const members: Array<string> = []
        while (list.next()) {
          if (list.field !== 1) {
            list.skip()
            continue
          }
          const kv = list.message()
          let key: string | undefined
          let member: string | undefined
          while (kv.next()) {
            if (kv.field === 1 && kv.wire === WireType.bytes) key = kv.string()
            else if (kv.field === 2 && kv.wire === WireType.bytes) member = anyValueJson(kv.message())
            else kv.skip()
          }
          if (key !== undefined && member !== undefined) members.push(`${JSON.stringify(key)}:${member}`)
        }
        json = `{${members.join(",")}}`
        break
      }
      case 7:
        json = JSON.stringify(base64(value.bytes()))
        break
      default:
        value.skip()
    }
  }
  return json
}

/**
 * Decodes a message's repeated `KeyValue` field `field` (attributes) into `target`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const attributesOf = (message: Reader, field: number, prefix: string, target: Target): void => {
  while (message.next()) {
    if (message.field === field && message.wire === WireType.bytes) {
      const outer = message.enter()
      keyValue(message, prefix, target)
      message.leave(outer)
    } else message.skip()
  }
}
