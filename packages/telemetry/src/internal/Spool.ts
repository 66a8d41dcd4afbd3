// A bounded on-disk queue of encoded OTLP requests. Every export is written here before it
// is sent and removed once the backend took it, so what could not be sent survives the
// process and goes out with a later one. A file is claimed by an atomic rename before it
// is sent, so two processes never send the same file; a claim left by a killed process is
// taken back. Past the size cap the oldest files go first, counted.
import { Endpoints } from "@gastown-otel/schema"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"

export type Signal = "metrics" | "logs"

export interface Header {
  readonly signal: Signal
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** Points or log records inside, for drop accounting. */
  readonly items: number
}

export interface Entry {
  readonly file: string
  /** Stable across every attempt to send this request, by any process: a receiver that
   * keeps the ids it has stored can drop a resend. */
  readonly batch: string
  readonly header: Header
  readonly body: Uint8Array
}

export const batchHeader = Endpoints.batchHeader

export interface Spool {
  /** Writes a request; returns the items of older requests dropped to make room. */
  readonly put: (header: Header, body: Uint8Array) => number
  /**
   * Unclaimed files (and claims of dead processes) bound for one of `urls`: this
   * process's own first, then the others oldest first. A file for another backend waits
   * for a process configured with it.
   */
  readonly pending: (urls: ReadonlyArray<string>) => ReadonlyArray<string>
  /** Claims a file for sending; `undefined` when another process has it. */
  readonly claim: (name: string) => Entry | undefined
  readonly release: (entry: Entry) => void
  readonly done: (entry: Entry) => void
}

const suffix = ".otlp"
const claimed = /\.otlp\.sending\.(\d+)$/

// The destination is in the name, so a process can pick its own backend's files without
// opening (or claiming) anyone else's.
const destination = (url: string) => createHash("sha256").update(url).digest("hex").slice(0, 12)

let sequence = 0
const nextName = (url: string) =>
  `${String(Date.now()).padStart(15, "0")}-${String(process.pid).padStart(8, "0")}-${String(sequence++).padStart(6, "0")}-${destination(url)}${suffix}`

const pidOf = (name: string) => Number(name.split("-")[1])

const encode = (header: Header, body: Uint8Array): Uint8Array => {
  const json = new TextEncoder().encode(JSON.stringify(header))
  const out = new Uint8Array(4 + json.byteLength + body.byteLength)
  new DataView(out.buffer).setUint32(0, json.byteLength)
  out.set(json, 4)
  out.set(body, 4 + json.byteLength)
  return out
}

const decode = (bytes: Uint8Array): { header: Header; body: Uint8Array } => {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Header
  return { header, body: bytes.subarray(4 + length) }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH"
  }
}

export const make = (dir: string, maxBytes: number): Spool => {
  fs.mkdirSync(dir, { recursive: true })
  const at = (name: string) => path.join(dir, name)

  const files = () => fs.readdirSync(dir).filter((f) => f.endsWith(suffix) || claimed.test(f))

  const itemsOf = (file: string) => {
    try {
      return decode(fs.readFileSync(at(file))).header.items
    } catch {
      return 0
    }
  }

  const put: Spool["put"] = (header, body) => {
    const bytes = encode(header, body)
    // Larger than the whole spool: it alone is dropped, the queue is left as it is.
    if (bytes.byteLength > maxBytes) return header.items
    let dropped = 0
    const present = files().toSorted()
    let total = present.reduce((sum, f) => sum + (fs.statSync(at(f), { throwIfNoEntry: false })?.size ?? 0), 0)
    for (const oldest of present) {
      if (total + bytes.byteLength <= maxBytes) break
      const size = fs.statSync(at(oldest), { throwIfNoEntry: false })?.size ?? 0
      dropped += itemsOf(oldest)
      fs.rmSync(at(oldest), { force: true })
      total -= size
    }
    const name = nextName(header.url)
    fs.writeFileSync(at(`${name}.tmp`), bytes)
    fs.renameSync(at(`${name}.tmp`), at(name))
    return dropped
  }

  const pending: Spool["pending"] = (urls) => {
    const wanted = new Set(urls.map(destination))
    const ready = files()
      .filter((f) => wanted.has(f.replace(/\.otlp(\.sending\.\d+)?$/, "").split("-")[3] ?? ""))
      .filter((f) => {
        const match = claimed.exec(f)
        return match === null || !alive(Number(match[1]))
      })
      .toSorted()
    // What this process recorded goes first: it is what its user is waiting to see.
    return [...ready.filter((f) => pidOf(f) === process.pid), ...ready.filter((f) => pidOf(f) !== process.pid)]
  }

  const claim: Spool["claim"] = (name) => {
    const base = name.replace(/\.sending\.\d+$/, "")
    const mine = at(`${base}.sending.${process.pid}`)
    try {
      fs.renameSync(at(name), mine)
    } catch {
      return undefined
    }
    try {
      const { header, body } = decode(fs.readFileSync(mine))
      return { file: mine, batch: base.replace(suffix, ""), header, body }
    } catch {
      // Unreadable: it can never be sent; do not let it block the queue.
      fs.rmSync(mine, { force: true })
      return undefined
    }
  }

  const release: Spool["release"] = (entry) => {
    try {
      fs.renameSync(entry.file, entry.file.replace(/\.sending\.\d+$/, ""))
    } catch {
      // Already gone: nothing to give back.
    }
  }

  const done: Spool["done"] = (entry) => fs.rmSync(entry.file, { force: true })

  return { put, pending, claim, release, done }
}
