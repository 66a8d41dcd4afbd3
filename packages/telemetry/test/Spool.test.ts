// The spool on its own: claims, the size cap, and what is dropped when it is full.
import { TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Spool from "../src/internal/Spool.ts"

const header = (items: number, url = "http://127.0.0.1:1/logs"): Spool.Header => ({
  signal: "logs",
  url,
  needs: { headers: [], userinfo: false },
  items
})

describe("Spool", () => {
  it.effect("past its cap drops the oldest files first and says how many items went", () =>
    Effect.gen(function* () {
      const spool = Spool.make(path.join(yield* TempDir.make(), "spool"), 2_000)
      assert.strictEqual(spool.put(header(1), new Uint8Array(800)), 0)
      assert.strictEqual(spool.put(header(2), new Uint8Array(800)), 0)
      assert.strictEqual(spool.put(header(3), new Uint8Array(800)), 1, "the first file (1 item) made room")
      assert.strictEqual(spool.pending([header(0).url]).length, 2)
    })
  )

  it.effect("a request larger than the whole spool is dropped alone; the queue stays", () =>
    Effect.gen(function* () {
      const spool = Spool.make(path.join(yield* TempDir.make(), "spool"), 2_000)
      spool.put(header(1), new Uint8Array(500))
      assert.strictEqual(spool.put(header(7), new Uint8Array(5_000)), 7)
      assert.strictEqual(spool.pending([header(0).url]).length, 1)
    })
  )

  it.effect("a claimed file is not pending for anyone else; released, it is again; done, it is gone", () =>
    Effect.gen(function* () {
      const dir = path.join(yield* TempDir.make(), "spool")
      const spool = Spool.make(dir, 1_000_000)
      spool.put(header(1), new Uint8Array([1, 2, 3]))
      const [name] = spool.pending([header(0).url])
      const entry = spool.claim(name!)!
      assert.deepStrictEqual([...entry.body], [1, 2, 3])
      assert.isUndefined(spool.claim(name!), "claimed once only")
      assert.deepStrictEqual(spool.pending([header(0).url]), [], "our live claim is not pending")
      spool.release(entry)
      const again = spool.claim(spool.pending([header(0).url])[0]!)!
      spool.done(again)
      assert.deepStrictEqual(
        fs.readdirSync(dir).filter((f) => f !== "format"),
        []
      )
    })
  )

  it.effect("only files for the given backends are pending", () =>
    Effect.gen(function* () {
      const spool = Spool.make(path.join(yield* TempDir.make(), "spool"), 1_000_000)
      spool.put(header(1, "http://a/logs"), new Uint8Array(1))
      spool.put(header(1, "http://b/logs"), new Uint8Array(1))
      assert.strictEqual(spool.pending(["http://a/logs"]).length, 1)
      assert.strictEqual(spool.pending(["http://a/logs", "http://b/logs"]).length, 2)
    })
  )

  it.effect("files of the earlier format lose their credentials, and are found under their URL without userinfo", () =>
    Effect.gen(function* () {
      const dir = path.join(yield* TempDir.make(), "spool")
      fs.mkdirSync(dir)
      const password = ["legacy", "pw", "7f3a91"].join("-")
      const token = ["legacy", "token", "c0ffee"].join("-")
      const url = `http://user:${password}@127.0.0.1:1/logs`
      // The earlier format: the header held the header values and the full URL, and the name a
      // hash of that URL.
      const json = Buffer.from(
        JSON.stringify({ signal: "logs", url, headers: { authorization: `Bearer ${token}` }, items: 2 })
      )
      const length = Buffer.alloc(4)
      length.writeUInt32BE(json.byteLength)
      const legacy = Buffer.concat([length, json, Buffer.from([7, 8, 9])])
      const hash = createHash("sha256").update(url).digest("hex").slice(0, 12)
      fs.writeFileSync(path.join(dir, `000000000000001-00000001-000000-${hash}.otlp`), legacy)
      // Half written by a process that died: it cannot be sent, and it holds the secrets too.
      fs.writeFileSync(path.join(dir, `000000000000002-99999999-000000-${hash}.otlp.tmp`), legacy)

      const spool = Spool.make(dir, 1_000_000)
      const left = fs.readdirSync(dir)
      for (const f of left) {
        const bytes = fs.readFileSync(path.join(dir, f))
        for (const secret of [password, token, hash]) {
          assert.isFalse(f.includes(secret) || bytes.includes(secret), `${f} holds ${secret}`)
        }
      }
      const [name] = spool.pending(["http://127.0.0.1:1/logs"])
      assert.match(name!, /^000000000000001-00000001-000000-/, "its place in the queue kept")
      const entry = spool.claim(name!)!
      assert.deepStrictEqual(entry.header, {
        signal: "logs",
        url: "http://127.0.0.1:1/logs",
        needs: { headers: ["authorization"], userinfo: true },
        items: 2
      })
      assert.deepStrictEqual([...entry.body], [7, 8, 9])
      assert.deepStrictEqual(left.toSorted(), [name!, "format"].toSorted(), "the torn file is gone")
    })
  )
})
