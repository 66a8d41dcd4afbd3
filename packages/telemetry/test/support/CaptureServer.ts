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
}

/** How to answer one request: a status (and headers), or a fault. */
export type Reply =
  { readonly status: number; readonly headers?: Record<string, string> } | { readonly fault: "hang" | "reset" }

export interface CaptureServer {
  readonly url: string
  readonly requests: Array<Captured>
  readonly byPath: (path: string) => ReadonlyArray<Captured>
  /** Resolves once `n` requests have arrived (or after `timeoutMs`). */
  readonly waitFor: (n: number, timeoutMs?: number) => Promise<void>
  setReply: (reply: (request: Captured) => Reply) => void
}

export const start = (): Effect.Effect<CaptureServer, never, import("effect").Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ server: http.Server; capture: CaptureServer }>((resolve) => {
          const requests: Array<Captured> = []
          const waiters: Array<() => void> = []
          let reply: (request: Captured) => Reply = () => ({ status: 200 })
          const server = http.createServer((req, res) => {
            const chunks: Array<Buffer> = []
            req.on("data", (chunk: Buffer) => chunks.push(chunk))
            req.on("end", () => {
              const captured: Captured = {
                method: req.method ?? "",
                path: req.url ?? "",
                headers: req.headers,
                body: new Uint8Array(Buffer.concat(chunks))
              }
              requests.push(captured)
              for (const wake of waiters.splice(0)) wake()
              const answer = reply(captured)
              if ("fault" in answer) {
                if (answer.fault === "reset") req.socket.destroy()
                return
              }
              res.writeHead(answer.status, answer.headers ?? {})
              res.end()
            })
          })
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo
            const capture: CaptureServer = {
              url: `http://127.0.0.1:${port}`,
              requests,
              byPath: (path) => requests.filter((r) => r.path === path),
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
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
  ).pipe(Effect.map(({ capture }) => capture))
