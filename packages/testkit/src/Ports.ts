/**
 * Loopback ports for tests: one that was free a moment ago, and a URL where nothing listens.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as net from "node:net"

/**
 * A port on 127.0.0.1 that was free: bound by the system's choice, then released.
 *
 * @since 0.1.0
 * @category ports
 */
export const free: Effect.Effect<number> = Effect.callback<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/**
 * `http://127.0.0.1:<port>` where nothing listens (a port that was just free): a backend that
 * refuses connections.
 *
 * @since 0.1.0
 * @category ports
 */
export const closedUrl: Effect.Effect<string> = Effect.map(free, (port) => `http://127.0.0.1:${port}`)
