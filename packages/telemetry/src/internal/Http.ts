// One OTLP/HTTP POST on node:http(s), interruptible: interrupting the effect destroys
// the socket, so a flush budget really bounds the time spent on a hung backend.
import { Effect } from "effect"
import type * as Http from "node:http"

/** What came back: the status and `Retry-After` in ms, or a transport failure. */
export type Response =
  | { readonly _tag: "Response"; readonly status: number; readonly retryAfterMs: number | undefined }
  | { readonly _tag: "TransportError"; readonly message: string }

interface Client {
  readonly request: typeof Http.request
  readonly agent: Http.Agent
}

export interface Agents {
  /** The client for the URL's protocol, loaded and made on first use. */
  readonly clientFor: (url: URL) => Client
  readonly destroy: () => void
}

// The modules come from process.getBuiltinModule, not `import`: Node's ES module wrapper
// of node:http reads every export, and its lazy ones (WebSocket and others) load undici
// and zlib, which costs a CLI more than the whole request. node:https (TLS) is loaded
// only for an https URL.
const load = (secure: boolean): Pick<typeof Http, "request" | "Agent"> =>
  secure ? process.getBuiltinModule("node:https") : process.getBuiltinModule("node:http")

/** Keep-alive agents owned by one exporter, destroyed when it closes. */
export const makeAgents = (): Agents => {
  const clients = new Map<boolean, Client>()
  return {
    clientFor: (url) => {
      const secure = url.protocol === "https:"
      let client = clients.get(secure)
      if (client === undefined) {
        const module = load(secure)
        client = { request: module.request, agent: new module.Agent({ keepAlive: true }) }
        clients.set(secure, client)
      }
      return client
    },
    destroy: () => {
      for (const client of clients.values()) client.agent.destroy()
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

export const post = (
  agents: Agents,
  url: URL,
  body: Uint8Array,
  headers: Readonly<Record<string, string>>
): Effect.Effect<Response> =>
  Effect.callback<Response>((resume) => {
    const client = agents.clientFor(url)
    const request = client.request(url, {
      method: "POST",
      agent: client.agent,
      headers: {
        ...headers,
        "content-type": "application/x-protobuf",
        "content-length": String(body.byteLength)
      }
    })
    request.on("response", (response) => {
      // Drain the body so the socket can be reused; its content is not needed.
      response.resume()
      response.on("end", () =>
        resume(
          Effect.succeed({
            _tag: "Response",
            status: response.statusCode ?? 0,
            retryAfterMs: retryAfter(response.headers["retry-after"])
          })
        )
      )
      response.on("error", (error) => resume(Effect.succeed({ _tag: "TransportError", message: error.message })))
    })
    request.on("error", (error) => resume(Effect.succeed({ _tag: "TransportError", message: error.message })))
    request.end(body)
    return Effect.sync(() => request.destroy())
  })
