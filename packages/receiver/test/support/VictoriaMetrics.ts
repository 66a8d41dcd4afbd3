// The real VictoriaMetrics (Debian's `victoria-metrics`, 1.79.5: a MetricsQL engine that
// predates OTLP ingestion) as a differential oracle. It runs on 127.0.0.1 with a free port
// and a temporary storage directory, both gone with the scope; it is fed through
// /api/v1/import (JSON lines) and flushed so that imported samples answer at once.
import { Ports } from "@gastown-otel/testkit"
import { Context, Effect, Layer } from "effect"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** Where Debian's package installs it. */
export const binary = "/usr/bin/victoria-metrics"
const repoRoot = path.resolve(import.meta.dirname, "../../../..")

export interface ImportSeries {
  readonly labels: { readonly [name: string]: string }
  readonly timestamps: ReadonlyArray<number>
  readonly values: ReadonlyArray<number>
}

export interface Answer {
  readonly status: number
  readonly json: unknown
}

export interface Shape {
  readonly url: string
  readonly version: string
  /** Its storage directory and process id (the bench reads its bytes on disk and its memory). */
  readonly dataDir: string
  readonly pid: number
  readonly import: (series: ReadonlyArray<ImportSeries>) => Effect.Effect<void, Error>
  /** Makes samples imported by another client searchable: waits for `expected` series in the range. */
  readonly flush: (expected: number, firstMs: number, lastMs: number) => Effect.Effect<void, Error>
  readonly get: (path: string, params: URLSearchParams) => Effect.Effect<Answer, Error>
}

export class VictoriaMetrics extends Context.Service<VictoriaMetrics, Shape>()("test/VictoriaMetrics") {}

// Installs the Debian package when the binary is missing (scripts/system-packages.sh says
// why when it cannot).
const ensureInstalled = Effect.sync(() => {
  if (fs.existsSync(binary)) return
  const run = spawnSync("bash", [path.join(repoRoot, "scripts/system-packages.sh"), "victoria-metrics"], {
    encoding: "utf8"
  })
  if (run.status !== 0 || !fs.existsSync(binary)) {
    throw new Error(`VictoriaMetrics is not available: ${run.stderr.trim() || `exit ${run.status}`}`)
  }
})

// A real pause (not the test clock's): VictoriaMetrics runs in real time.
const pause = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 100)))

const request = (url: string, init?: RequestInit) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url, init)
      const text = await response.text()
      return { status: response.status, text }
    },
    catch: (e) => new Error(`${url}: ${String(e)}`)
  })

export const make = Effect.gen(function* () {
  yield* ensureInstalled
  const port = yield* Ports.free
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "vm-oracle-"))),
    (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
  )
  const url = `http://127.0.0.1:${port}`
  const child = yield* Effect.acquireRelease(
    Effect.sync(() =>
      spawn(
        binary,
        [
          `-httpListenAddr=127.0.0.1:${port}`,
          `-storageDataPath=${dir}`,
          "-retentionPeriod=100y",
          // Freshly imported samples must answer at once and never from a cache.
          "-search.disableCache",
          "-search.latencyOffset=0s",
          "-search.cacheTimestampOffset=0s",
          "-loggerLevel=ERROR",
          "-selfScrapeInterval=0"
        ],
        { stdio: ["ignore", "ignore", "pipe"] }
      )
    ),
    (child) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve()
            child.once("exit", () => resolve())
            child.kill("SIGTERM")
            setTimeout(() => child.kill("SIGKILL"), 5000).unref()
          })
      )
  )
  // Ready once /health answers.
  yield* request(`${url}/health`).pipe(
    Effect.filterOrFail(
      (r) => r.status === 200,
      (r) => new Error(`health answered ${r.status}`)
    ),
    Effect.tapError(() => pause),
    Effect.retry({ times: 150 })
  )
  // The Debian build reports no version of its own; its package does.
  const version = spawnSync("dpkg-query", ["-W", "-f=${Version}", "victoria-metrics"], { encoding: "utf8" }).stdout

  const get = (p: string, params: URLSearchParams) =>
    request(`${url}${p}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: params.toString()
    }).pipe(
      Effect.flatMap(({ status, text }) =>
        Effect.try({
          try: () => ({ status, json: JSON.parse(text) as unknown }),
          catch: () => new Error(`${p}: ${text}`)
        })
      )
    )

  // Flushes what was imported and waits until `expected` series with samples in
  // [firstMs, lastMs] answer a query.
  const flush = (expected: number, firstMs: number, lastMs: number) =>
    Effect.gen(function* () {
      yield* request(`${url}/internal/force_flush`)
      // One instant whose look-behind (the step) covers every imported sample.
      const count = get(
        "/api/v1/query",
        new URLSearchParams({
          query: 'count({__name__=~".+"})',
          time: String(lastMs / 1000),
          step: `${Math.ceil((lastMs - firstMs) / 1000) + 60}s`
        })
      ).pipe(
        Effect.map((a) =>
          Number(
            (a.json as { data?: { result?: Array<{ value: [number, string] }> } }).data?.result?.[0]?.value[1] ?? 0
          )
        )
      )
      yield* count.pipe(
        Effect.flatMap((n) =>
          n >= expected ? Effect.void : Effect.fail(new Error(`${n} of ${expected} series searchable`))
        ),
        Effect.tapError(() => pause),
        Effect.retry({ times: 100 })
      )
    })

  const importSeries = (series: ReadonlyArray<ImportSeries>) =>
    Effect.gen(function* () {
      const body = series
        .map((s) => JSON.stringify({ metric: s.labels, values: s.values, timestamps: s.timestamps }))
        .join("\n")
      const r = yield* request(`${url}/api/v1/import`, { method: "POST", body })
      if (r.status !== 204) return yield* Effect.fail(new Error(`import answered ${r.status}: ${r.text}`))
      const expected = new Set(series.map((s) => JSON.stringify(Object.entries(s.labels).toSorted()))).size
      const last = Math.max(...series.map((s) => s.timestamps.at(-1) ?? 0))
      const first = Math.min(...series.map((s) => s.timestamps[0] ?? last))
      yield* flush(expected, first, last)
    })

  return VictoriaMetrics.of({ url, version, dataDir: dir, pid: child.pid!, import: importSeries, flush, get })
})

export const layer = Layer.effect(VictoriaMetrics, make)
