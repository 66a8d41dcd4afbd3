// A bounded on-disk queue of encoded OTLP requests. Every export is written here before it
// is sent and removed once the backend took it, so what could not be sent survives the
// process and goes out with a later one. A file is claimed by an atomic rename before it
// is sent, so two processes never send the same file; a claim left by a killed process is
// taken back. Past the size cap the oldest files go first, counted.
// A file holds its destination (signal, URL without userinfo), what the request needs from
// its sender (header names, whether the URL had userinfo: never values), and the body. The
// credentials come from the configuration of the process that sends it.
import { Endpoints } from "@gastown-otel/schema"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Endpoint from "./Endpoint.ts"
import * as PrivateDir from "./PrivateDir.ts"

export type Signal = "metrics" | "logs" | "traces"

export interface Header {
  readonly signal: Signal
  /** The endpoint's URL without userinfo ({@link Endpoint.Endpoint.id}). */
  readonly url: string
  readonly needs: Endpoint.Needs
  /** Points, log records or spans inside, for drop accounting. */
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
  /** How many files wait for backends other than `urls`. */
  readonly elsewhere: (urls: ReadonlyArray<string>) => number
  /** A pending file's header, without claiming it; `undefined` when it is gone. */
  readonly peek: (name: string) => Header | undefined
  /** Claims a file for sending; `undefined` when another process has it. */
  readonly claim: (name: string) => Entry | undefined
  readonly release: (entry: Entry) => void
  readonly done: (entry: Entry) => void
  /**
   * Notes that `url` cannot take requests now; `true` for the first process to note it
   * since it last took one, which is the one that tells the user.
   */
  readonly down: (url: string) => boolean
  /** Notes that `url` took a request: the next outage is news again. */
  readonly up: (url: string) => void
}

const suffix = ".otlp"
const claimed = /\.otlp\.sending\.(\d+)$/

// The destination is in the name, so a process can pick its own backend's files without
// opening (or claiming) anyone else's. Made from the URL without userinfo: a name says
// nothing about a password, and a rotated password does not strand what was spooled.
const destination = (url: string) => createHash("sha256").update(url).digest("hex").slice(0, 12)
const destinationOf = (name: string) => name.replace(/\.otlp(\.sending\.\d+)?$/, "").split("-")[3] ?? ""

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

// Files written before credentials were kept out of the spool held the header values and
// the full URL: read as what they need (names and the userinfo flag), and rewritten so.
interface Legacy {
  readonly signal: Signal
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly items: number
}

const parseHeader = (json: string): { readonly header: Header; readonly legacy: boolean } => {
  const parsed = JSON.parse(json) as Header | Legacy
  if ("needs" in parsed) return { header: parsed, legacy: false }
  const { id, has } = Endpoint.make(parsed.signal, parsed.url, parsed.headers)
  return { header: { signal: parsed.signal, url: id, needs: has, items: parsed.items }, legacy: true }
}

const decode = (bytes: Uint8Array) => {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  return {
    ...parseHeader(new TextDecoder().decode(bytes.subarray(4, 4 + length))),
    body: bytes.subarray(4 + length)
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH"
  }
}

// The spool's files are all of this format once this marker exists.
const formatFile = "format"
const format = "2"

export const make = (dir: string, maxBytes: number): Spool => {
  const refused = PrivateDir.ensure(dir)
  if (refused !== undefined) throw new Error(refused)
  const at = (name: string) => path.join(dir, name)

  const files = () => fs.readdirSync(dir).filter((f) => f.endsWith(suffix) || claimed.test(f))
  const unclaimed = (f: string) => {
    const match = claimed.exec(f)
    return match === null || !alive(Number(match[1]))
  }

  // Written aside and renamed into place: a reader never sees half a file.
  const write = (name: string, bytes: Uint8Array) => {
    const aside = at(`${name}.${process.pid}.tmp`)
    PrivateDir.writeNew(aside, bytes)
    fs.renameSync(aside, at(name))
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
      dropped += readHeader(oldest)?.header.items ?? 0
      fs.rmSync(at(oldest), { force: true })
      total -= size
    }
    write(nextName(header.url), bytes)
    return dropped
  }

  const pending: Spool["pending"] = (urls) => {
    const wanted = new Set(urls.map(destination))
    const ready = files()
      .filter((f) => wanted.has(destinationOf(f)) && unclaimed(f))
      .toSorted()
    // What this process recorded goes first: it is what its user is waiting to see.
    return [...ready.filter((f) => pidOf(f) === process.pid), ...ready.filter((f) => pidOf(f) !== process.pid)]
  }

  const elsewhere: Spool["elsewhere"] = (urls) => {
    const wanted = new Set(urls.map(destination))
    return files().filter((f) => !wanted.has(destinationOf(f))).length
  }

  // A file's header, read without claiming the file (a file is never changed once in place).
  const readHeader = (name: string) => {
    let fd: number
    try {
      fd = fs.openSync(at(name), "r")
    } catch {
      return undefined
    }
    try {
      const length = Buffer.alloc(4)
      fs.readSync(fd, length, 0, 4, 0)
      const json = Buffer.alloc(length.readUInt32BE(0))
      fs.readSync(fd, json, 0, json.byteLength, 4)
      return parseHeader(json.toString("utf8"))
    } catch {
      // Unreadable: claiming it will clear it out of the queue.
      return undefined
    } finally {
      fs.closeSync(fd)
    }
  }

  const peek: Spool["peek"] = (name) => readHeader(name)?.header

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

  const marker = (url: string) => at(`${destination(url)}.down`)

  const down: Spool["down"] = (url) => {
    try {
      PrivateDir.writeNew(marker(url), "")
      return true
    } catch (error) {
      // A marker that cannot be written (a full disk) must not keep the news from the user.
      return (error as NodeJS.ErrnoException).code !== "EEXIST"
    }
  }

  const up: Spool["up"] = (url) => fs.rmSync(marker(url), { force: true })

  // Once per spool: files of the earlier format are rewritten without their credentials,
  // under the name their URL without userinfo gives (same time, process and sequence, so
  // their order stays), and half-written ones of dead processes are removed. While a live
  // process of the earlier version holds one, the pass runs again at the next start.
  const migrate = () => {
    if (fs.existsSync(at(formatFile)) && fs.readFileSync(at(formatFile), "utf8") === format) return
    let left = false
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith(`${suffix}.tmp`)) {
        if (alive(pidOf(f))) left = true
        else fs.rmSync(at(f), { force: true })
        continue
      }
      if (!(f.endsWith(suffix) || claimed.test(f)) || readHeader(f)?.legacy !== true) continue
      if (!unclaimed(f)) {
        left = true
        continue
      }
      const entry = claim(f)
      if (entry === undefined) continue
      const [time, pid, seq] = entry.batch.split("-")
      write(`${time}-${pid}-${seq}-${destination(entry.header.url)}${suffix}`, encode(entry.header, entry.body))
      done(entry)
    }
    if (!left) write(formatFile, new TextEncoder().encode(format))
  }
  migrate()

  return { put, pending, elsewhere, peek, claim, release, done, down, up }
}
