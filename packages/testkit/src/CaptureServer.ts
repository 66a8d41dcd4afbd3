// A test OTLP endpoint on 127.0.0.1: records every request and answers as told, so tests
// can assert on exactly what crossed the wire, and inject faults.
import { Effect } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface Captured {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: Uint8Array
  /** When it began to arrive (performance.now()). */
  readonly at: number
  /** The status it was answered with; undefined while unanswered (or never: a fault). */
  status?: number
}

/**
 * How to answer one request: a status (with headers, after a delay), or a fault: accept
 * and never answer, or reset the connection in the middle of the request body.
 *
 * @category models
 */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | { readonly fault: "hang" | "reset" }

export interface CaptureServer {
  readonly url: string
  readonly close: () => Promise<void>
  readonly requests: Array<Captured>
  readonly byPath: (path: string) => ReadonlyArray<Captured>
  /** The requests of `path` that were answered 2xx: what a backend stored. */
  readonly accepted: (path: string) => ReadonlyArray<Captured>
  /** Resolves once `n` requests have arrived (or after `timeoutMs`). */
  readonly waitFor: (n: number, timeoutMs?: number) => Promise<void>
  setReply: (reply: (request: Pick<Captured, "method" | "path" | "headers">) => Reply) => void
}

/** Starts a server on 127.0.0.1 (`port` 0: any free port); it closes with the scope. */
export const start = (port = 0): Effect.Effect<CaptureServer, never, import("effect").Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ server: http.Server; capture: CaptureServer }>((resolve) => {
          const requests: Array<Captured> = []
          const waiters: Array<() => void> = []
          let reply: (request: Pick<Captured, "method" | "path" | "headers">) => Reply = () => ({ status: 200 })
          const server = http.createServer((req, res) => {
            const chunks: Array<Buffer> = []
            const at = performance.now()
            // Decided once per request, from its line and headers, before the body arrives.
            const answer = reply({ method: req.method ?? "", path: req.url ?? "", headers: req.headers })
            req.on("data", (chunk: Buffer) => {
              if ("fault" in answer && answer.fault === "reset") return req.socket.destroy()
              chunks.push(chunk)
            })
            req.on("end", () => {
              const captured: Captured = {
                method: req.method ?? "",
                path: req.url ?? "",
                headers: req.headers,
                body: new Uint8Array(Buffer.concat(chunks)),
                at
              }
              requests.push(captured)
              for (const wake of waiters.splice(0)) wake()
              if ("fault" in answer) return
              // Like a backend, it has stored the data once it decides to answer 2xx, whether
              // or not the answer reaches the client.
              setTimeout(() => {
                captured.status = answer.status
                res.writeHead(answer.status, answer.headers ?? {})
                res.end()
              }, answer.delayMs ?? 0)
            })
          })
          server.listen(port, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo
            const capture: CaptureServer = {
              url: `http://127.0.0.1:${port}`,
              close: () =>
                new Promise<void>((done) => {
                  server.closeAllConnections()
                  server.close(() => done())
                }),
              requests,
              byPath: (path) => requests.filter((r) => r.path === path),
              accepted: (path) =>
                requests.filter((r) => r.path === path && r.status !== undefined && r.status >= 200 && r.status < 300),
              waitFor: async (n, timeoutMs = 5_000) => {
                const deadline = Date.now() + timeoutMs
                while (requests.length < n && Date.now() < deadline) {
                  await new Promise<void>((wake) => {
                    waiters.push(wake)
                    setTimeout(wake, 50)
                  })
                }
              },
              setReply: (f) => {
                reply = f
              }
            }
            resolve({ server, capture })
          })
        })
    ),
    ({ server, capture }) => (server.listening ? Effect.promise(capture.close) : Effect.void)
  ).pipe(Effect.map(({ capture }) => capture))

/** Stops a server before its scope ends (a backend going down). */
export const stop = (server: CaptureServer): Effect.Effect<void> => Effect.promise(server.close)
