// One OTLP/HTTP POST, interruptible: interrupting the effect destroys the socket, so a flush
// budget really bounds the time spent on a hung backend. HTTP/1.1 is written on a plain
// socket (node:net, or node:tls for https), one connection per request: an exporter needs
// only the status and Retry-After, and a CLI that exports once, at exit, would spend more
// loading node:http and its parser than sending.
import { Effect } from "effect"
import type * as Net from "node:net"

/** What came back: the status and `Retry-After` in ms, or a transport failure. */
export type Response =
  | { readonly _tag: "Response"; readonly status: number; readonly retryAfterMs: number | undefined }
  | { readonly _tag: "TransportError"; readonly message: string }

/** The sockets one exporter has open, destroyed when it closes. */
export interface Connections {
  readonly open: Set<Net.Socket>
  readonly destroy: () => void
}

export const makeConnections = (): Connections => {
  const open = new Set<Net.Socket>()
  return {
    open,
    destroy: () => {
      for (const socket of open) socket.destroy()
    }
  }
}

const retryAfter = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

// What HTTP/1.1 allows in a header name, and in a value (no CR, LF or NUL: a header from the
// environment must not be able to add lines to the request).
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const fieldValue = /^[\t\x20-\x7e\x80-\xff]*$/

// A URL's userinfo is sent as Basic credentials, as node:http and fetch do; an explicit
// Authorization header wins.
const basic = (url: URL): Record<string, string> =>
  url.username === "" && url.password === ""
    ? {}
    : {
        authorization: `Basic ${Buffer.from(
          `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
        ).toString("base64")}`
      }

const requestHead = (url: URL, headers: Readonly<Record<string, string>>, length: number): string => {
  const lines = [`POST ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`]
  const explicit = Object.keys(headers).some((name) => name.toLowerCase() === "authorization")
  for (const [name, value] of Object.entries({
    ...(explicit ? {} : basic(url)),
    ...headers,
    "content-type": "application/x-protobuf",
    "content-length": String(length),
    connection: "close"
  })) {
    // Configuration is checked before it gets here; this is the last line of defence.
    if (!token.test(name) || !fieldValue.test(value)) throw new TypeError(`invalid HTTP header ${JSON.stringify(name)}`)
    if (name.toLowerCase() !== "host") lines.push(`${name}: ${value}`)
  }
  return lines.join("\r\n") + "\r\n\r\n"
}

// The status line and headers of a response, up to the blank line.
const parseHead = (head: string): Response => {
  const [statusLine = "", ...fields] = head.split("\r\n")
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]
  if (status === undefined)
    return { _tag: "TransportError", message: `not an HTTP response: ${statusLine.slice(0, 64)}` }
  const header = (name: string) =>
    fields
      .find((field) => field.slice(0, field.indexOf(":")).trim().toLowerCase() === name)
      ?.slice(name.length + 1)
      .trim()
  return { _tag: "Response", status: Number(status), retryAfterMs: retryAfter(header("retry-after")) }
}

const maxHeadBytes = 64 * 1024

const connect = (url: URL): Net.Socket => {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1")
  const net = process.getBuiltinModule("node:net")
  if (url.protocol !== "https:") return net.connect({ host, port: Number(url.port || 80) })
  // TLS names the server it expects (SNI) unless the URL gives an address.
  const servername = net.isIP(host) === 0 ? { servername: host } : {}
  return process.getBuiltinModule("node:tls").connect({ host, port: Number(url.port || 443), ...servername })
}

export const post = (
  connections: Connections,
  url: URL,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>
): Effect.Effect<Response> =>
  Effect.callback<Response>((resume) => {
    const head = requestHead(url, headers, body.byteLength)
    const socket = connect(url)
    connections.open.add(socket)
    let received = ""
    const finish = (response: Response) => {
      if (!connections.open.delete(socket)) return
      socket.destroy()
      resume(Effect.succeed(response))
    }
    socket.setEncoding("latin1")
    socket.on("data", (chunk: string) => {
      received += chunk
      for (let end = received.indexOf("\r\n\r\n"); end >= 0; end = received.indexOf("\r\n\r\n")) {
        const response = parseHead(received.slice(0, end))
        // An interim response (100 Continue and the like) comes before the real one.
        if (response._tag === "Response" && response.status < 200) received = received.slice(end + 4)
        else return finish(response)
      }
      if (received.length > maxHeadBytes) finish({ _tag: "TransportError", message: "response head too long" })
    })
    socket.on("error", (error) => finish({ _tag: "TransportError", message: error.message }))
    socket.on("close", () => finish({ _tag: "TransportError", message: "connection closed before a response" }))
    socket.write(head, "latin1")
    socket.write(body)
    return Effect.sync(() => {
      connections.open.delete(socket)
      socket.destroy()
    })
  })
