// The exporter's HTTP/1.1 POST against a server that answers with raw bytes: what it reads
// from a response, and what it refuses to write.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as net from "node:net"
import { makeConnections, post } from "../src/internal/Http.ts"

// A server that reads one request and answers with `reply` as written; `received` is the request.
const rawServer = (reply: string) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ url: string; received: () => string; server: net.Server }>((resolve) => {
          let received = ""
          const server = net.createServer((socket) => {
            socket.setEncoding("latin1")
            socket.on("data", (chunk: string) => {
              received += chunk
              const head = received.indexOf("\r\n\r\n")
              const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? 0)
              if (head >= 0 && received.length >= head + 4 + length) socket.end(reply)
            })
          })
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo
            resolve({ url: `http://127.0.0.1:${port}/opentelemetry/api/v1/push?x=1`, received: () => received, server })
          })
        })
    ),
    ({ server }) => Effect.promise(() => new Promise<void>((done) => server.close(() => done())))
  )

const body = new Uint8Array([0, 1, 2, 255])

describe("Http.post", () => {
  it.live("sends the body with its length and headers, and reads the status", () =>
    Effect.gen(function* () {
      const server = yield* rawServer("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
      const response = yield* post(makeConnections(), new URL(server.url), body, { authorization: "Bearer x" })
      assert.deepStrictEqual(response, { _tag: "Response", status: 204, retryAfterMs: undefined })
      const [head, sent] = server.received().split("\r\n\r\n")
      const lines = head!.split("\r\n")
      assert.strictEqual(lines[0], "POST /opentelemetry/api/v1/push?x=1 HTTP/1.1")
      assert.includeMembers(lines, [
        `host: ${new URL(server.url).host}`,
        "authorization: Bearer x",
        "content-type: application/x-protobuf",
        "content-length: 4"
      ])
      assert.deepStrictEqual([...Buffer.from(sent!, "latin1")], [...body])
    })
  )

  it.live("skips an interim 100 Continue and reads Retry-After, whatever its case", () =>
    Effect.gen(function* () {
      const server = yield* rawServer(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nRETRY-AFTER: 2\r\nContent-Length: 0\r\n\r\n"
      )
      const response = yield* post(makeConnections(), new URL(server.url), body, {})
      assert.deepStrictEqual(response, { _tag: "Response", status: 429, retryAfterMs: 2000 })
    })
  )

  it.live("a connection closed without an answer, or an answer that is not HTTP, is a transport error", () =>
    Effect.gen(function* () {
      for (const reply of ["", "SSH-2.0-OpenSSH\r\n\r\n"]) {
        const server = yield* rawServer(reply)
        const response = yield* post(makeConnections(), new URL(server.url), body, {})
        assert.strictEqual(response._tag, "TransportError", JSON.stringify(reply))
      }
    })
  )

  it.live("refuses a header that would add a line to the request", () =>
    Effect.gen(function* () {
      const server = yield* rawServer("HTTP/1.1 200 OK\r\n\r\n")
      const exit = yield* Effect.exit(
        post(makeConnections(), new URL(server.url), body, { "x-token": "a\r\nx-injected: 1" })
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(server.received(), "")
    })
  )

  it.live("sends a URL's userinfo as Basic credentials, decoded, unless an Authorization header is given", () =>
    Effect.gen(function* () {
      const server = yield* rawServer("HTTP/1.1 200 OK\r\n\r\n")
      const url = new URL(server.url)
      url.username = "us%3Aer"
      url.password = "p%40ss:w"
      yield* post(makeConnections(), url, body, {})
      const expected = `authorization: Basic ${Buffer.from("us:er:p@ss:w").toString("base64")}`
      assert.include(server.received().split("\r\n"), expected)
      assert.include(server.received().split("\r\n"), `host: ${url.host}`, "no userinfo in the host")

      const explicit = yield* rawServer("HTTP/1.1 200 OK\r\n\r\n")
      const withHeader = new URL(explicit.url)
      withHeader.username = "user"
      yield* post(makeConnections(), withHeader, body, { Authorization: "Bearer t" })
      const lines = explicit.received().split("\r\n")
      assert.deepStrictEqual(
        lines.filter((l) => /^authorization:/i.test(l)),
        ["Authorization: Bearer t"]
      )
    })
  )
})
