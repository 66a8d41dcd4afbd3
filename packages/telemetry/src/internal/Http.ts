// One OTLP/HTTP POST on node:http(s), interruptible: interrupting the effect destroys
// the socket, so a flush budget really bounds the time spent on a hung backend.
import { Effect } from "effect"
import * as http from "node:http"
import * as https from "node:https"

/** What came back: the status and `Retry-After` in ms, or a transport failure. */
export type Response =
  | { readonly _tag: "Response"; readonly status: number; readonly retryAfterMs: number | undefined }
  | { readonly _tag: "TransportError"; readonly message: string }

export interface Agents {
  readonly http: http.Agent
  readonly https: https.Agent
  readonly destroy: () => void
}

/** Keep-alive agents owned by one exporter, destroyed when it closes. */
export const makeAgents = (): Agents => {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }
  return {
    ...agents,
    destroy: () => {
      agents.http.destroy()
      agents.https.destroy()
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
    const secure = url.protocol === "https:"
    const request = (secure ? https : http).request(url, {
      method: "POST",
      agent: secure ? agents.https : agents.http,
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
