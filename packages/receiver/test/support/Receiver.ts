// A receiver for one test file: the store in a fresh temporary directory and both servers
// on free ports of 127.0.0.1, closed (and the directory removed) with the layer.
import { assert } from "@effect/vitest"
import { TempDir } from "@gastown-otel/testkit"
import { Context, Effect, Layer } from "effect"
import * as path from "node:path"
import * as QueryRoutes from "../../src/QueryRoutes.ts"
import * as Server from "../../src/Server.ts"
import * as Store from "../../src/Store.ts"

export class TestReceiver extends Context.Service<
  TestReceiver,
  { readonly store: Store.Store["Service"]; readonly receiver: Server.Receiver["Service"]; readonly dataDir: string }
>()("test/TestReceiver") {}

export const tempDir = TempDir.make("receiver-test-")

export const layer = (options: Server.Options = {}, routes: Server.Routes = QueryRoutes.routes) =>
  Layer.effect(
    TestReceiver,
    Effect.gen(function* () {
      const dataDir = yield* tempDir
      const context = yield* Layer.build(
        Server.layer({ metricsPort: 0, logsPort: 0, ...options }, routes).pipe(
          Layer.provideMerge(Store.layer({ dataDir: path.join(dataDir, "data") }))
        )
      )
      return {
        store: Context.get(context, Store.Store),
        receiver: Context.get(context, Server.Receiver),
        dataDir: path.join(dataDir, "data")
      }
    })
  )

export interface Response {
  readonly status: number
  readonly body: string
}

export const post = (url: string, body: Uint8Array, headers: Record<string, string> = {}): Effect.Effect<Response> =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      body: body as Uint8Array<ArrayBuffer>,
      headers: { "content-type": "application/x-protobuf", ...headers }
    })
    return { status: response.status, body: await response.text() }
  })

export const get = (url: string): Effect.Effect<Response> =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, body: await response.text() }
  })

/** A test receiver holding `requests` (metrics and logs OTLP bodies), each stored with a 200. */
export const seeded = (requests: {
  readonly metrics?: ReadonlyArray<Uint8Array>
  readonly logs?: ReadonlyArray<Uint8Array>
}) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const { receiver } = yield* TestReceiver
      for (const body of requests.metrics ?? []) {
        assert.strictEqual((yield* post(receiver.metricsUrl + Server.paths.metrics[0], body)).status, 200)
      }
      for (const body of requests.logs ?? []) {
        assert.strictEqual((yield* post(receiver.logsUrl + Server.paths.logs[0], body)).status, 200)
      }
    })
  ).pipe(Layer.provideMerge(layer()))
