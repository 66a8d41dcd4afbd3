/**
 * The receiver's storage: one SQLite database under the data directory holding metrics,
 * logs and spans, and the ids of the batches already stored. A request is decoded whole
 * first (malformed protobuf stores nothing), then written in one transaction, committed,
 * and `ingest` succeeds once a sync of the write-ahead log that started after that commit
 * has finished: what was acknowledged survives a killed process and a power loss.
 * Concurrent requests share those syncs (group commit), which run off the event loop.
 * A request carrying a batch id (the `x-gastown-otel-batch` header the exporter repeats on
 * every attempt of a spooled request) that was stored before is acknowledged, once that
 * earlier attempt is durable too, and not stored again.
 *
 * @since 0.1.0
 */
import { Context, Duration, Effect, Layer, Schedule, Schema } from "effect"
import * as path from "node:path"
import * as Db from "./internal/Db.ts"
import * as GroupSync from "./internal/GroupSync.ts"
import { WireError } from "./internal/Protobuf.ts"
import * as LogStore from "./logs/LogStore.ts"
import * as MetricStore from "./metrics/MetricStore.ts"
import * as OtlpLogs from "./otlp/Logs.ts"
import * as OtlpMetrics from "./otlp/Metrics.ts"
import * as OtlpTraces from "./otlp/Traces.ts"
import * as SpanStore from "./traces/SpanStore.ts"

/**
 * The three OTLP signals.
 *
 * @since 0.1.0
 * @category models
 */
export type Signal = "metrics" | "logs" | "traces"

/**
 * A request that could not be stored: `Malformed` (not valid OTLP protobuf: the client's
 * fault, nothing stored) or `Storage` (the database failed: nothing stored, worth a retry).
 *
 * @since 0.1.0
 * @category errors
 */
export class IngestError extends Schema.TaggedError<IngestError>()("IngestError", {
  reason: Schema.Literals(["Malformed", "Storage"]),
  signal: Schema.String,
  bytes: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return this.reason === "Malformed"
      ? `cannot decode OTLP ${this.signal} protobuf request of ${this.bytes} bytes: ${this.detail}`
      : `cannot store OTLP ${this.signal} request of ${this.bytes} bytes: ${this.detail}`
  }
}

/**
 * The data directory could not be opened: not writable, not a database, or in use by
 * another receiver.
 *
 * @since 0.1.0
 * @category errors
 */
export class OpenError extends Schema.TaggedError<OpenError>()("OpenError", {
  dataDir: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cannot open the receiver's data directory ${this.dataDir}: ${this.detail}`
  }
}

/**
 * What one request did.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ingested {
  /** Samples, log records or spans stored. */
  readonly stored: number
  /** Items left out: samples or records outside the retention window, records over VictoriaLogs' limits. */
  readonly dropped: number
  /** The batch id was already stored: nothing was stored again. */
  readonly duplicate: boolean
}

/**
 * The storage service.
 *
 * @since 0.1.0
 * @category services
 */
export class Store extends Context.Service<
  Store,
  {
    readonly metrics: MetricStore.MetricStore
    readonly logs: LogStore.LogStore
    readonly traces: SpanStore.SpanStore
    /** Decodes and stores one OTLP/HTTP protobuf request body (already decompressed). */
    readonly ingest: (
      signal: Signal,
      body: Uint8Array,
      batch?: string | undefined
    ) => Effect.Effect<Ingested, IngestError>
    /** Applies the retention now (it also runs at start and every hour). */
    readonly enforceRetention: Effect.Effect<void>
    /** The database file. */
    readonly file: string
  }
>()("@gastown-otel/receiver/Store") {}

/**
 * Storage options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly dataDir: string
  /** How long data is kept; default 30 days, as the stack's `-retentionPeriod=30d`. */
  readonly retention?: Duration.Input | undefined
}

/**
 * Samples and records more than this far in the future are dropped, as VictoriaMetrics
 * and VictoriaLogs drop them.
 *
 * @since 0.1.0
 * @category constants
 */
export const futureLimitMs = 2 * 86_400_000

const defaultRetention = Duration.days(30)

/**
 * Opens (creating) the database in `dataDir` and loads the in-memory index; closes it,
 * checkpointing the WAL, when the scope ends.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function* (options: Options) {
  const retentionMs = Duration.toMillis(options.retention ?? defaultRetention)
  const { db, group } = yield* Effect.acquireRelease(
    Effect.try({
      try: () => {
        const db = Db.open(options.dataDir)
        try {
          const wal = Db.walSync(options.dataDir)
          return { db, wal, group: GroupSync.make(wal.sync) }
        } catch (error) {
          db.close()
          throw error
        }
      },
      catch: (cause) =>
        new OpenError({ dataDir: options.dataDir, detail: cause instanceof Error ? cause.message : String(cause) })
    }),
    ({ db, group, wal }) =>
      Effect.promise(() => group.idle()).pipe(
        Effect.andThen(
          Effect.sync(() => {
            wal.close()
            Db.close(db)
          })
        )
      )
  )
  const metrics = MetricStore.make(db)
  const logs = LogStore.make(db)
  const traces = SpanStore.make(db)

  const insertBatch = db.prepare(
    "INSERT INTO batches (signal, id, received_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
  )
  const deleteBatches = db.prepare("DELETE FROM batches WHERE received_ms < ?")

  // Inside the transaction: false when this batch id was stored before.
  const claim = (signal: Signal, batch: string | undefined, now: number) =>
    batch === undefined || insertBatch.run(signal, batch, now).changes > 0

  const store = (signal: Signal, body: Uint8Array, batch: string | undefined): Ingested => {
    const now = Date.now()
    const oldest = now - retentionMs
    const newest = now + futureLimitMs
    const inWindow = (ms: number) => ms >= oldest && ms <= newest
    switch (signal) {
      case "metrics": {
        const decoded = MetricStore.emptyBatch()
        let dropped = 0
        OtlpMetrics.decode(body, (key, labels, ms, value) => {
          if (!inWindow(ms)) return void dropped++
          decoded.keys.push(key)
          decoded.labels.push(labels)
          decoded.ms.push(ms)
          decoded.values.push(value)
        })
        const pending = Db.transaction(db, () => (claim(signal, batch, now) ? metrics.write(decoded) : undefined))
        if (pending === undefined) return { stored: 0, dropped: 0, duplicate: true }
        metrics.apply(pending)
        return { stored: decoded.keys.length, dropped, duplicate: false }
      }
      case "logs": {
        const decoded = logs.batch()
        OtlpLogs.decode(
          body,
          (resource, size, ms, nsInMs, buf, start, end) => {
            if (!inWindow(ms)) return void decoded.dropped++
            logs.add(decoded, resource, size, ms, nsInMs, buf, start, end)
          },
          () => now
        )
        const fresh = Db.transaction(db, () => {
          if (!claim(signal, batch, now)) return false
          logs.write(decoded)
          return true
        })
        if (!fresh) return { stored: 0, dropped: 0, duplicate: true }
        logs.apply(decoded)
        return { stored: decoded.stored, dropped: decoded.dropped, duplicate: false }
      }
      case "traces": {
        const spans = OtlpTraces.decode(body)
        const fresh = Db.transaction(db, () => {
          if (!claim(signal, batch, now)) return false
          traces.write(spans)
          return true
        })
        return { stored: fresh ? spans.length : 0, dropped: 0, duplicate: !fresh }
      }
    }
  }

  const ingest = (signal: Signal, body: Uint8Array, batch?: string | undefined) => {
    const failed = (cause: unknown) =>
      new IngestError({
        reason: cause instanceof WireError || cause instanceof RangeError ? "Malformed" : "Storage",
        signal,
        bytes: body.byteLength,
        detail: cause instanceof Error ? cause.message : String(cause)
      })
    // A duplicate waits too: the attempt that stored it may still be waiting for its sync.
    return Effect.try({ try: () => store(signal, body, batch), catch: failed }).pipe(
      Effect.flatMap((ingested) =>
        Effect.as(Effect.tryPromise({ try: () => group.durable(), catch: failed }), ingested)
      )
    )
  }

  const enforceRetention = Effect.sync(() => {
    const cutoff = Date.now() - retentionMs
    Db.transaction(db, () => {
      metrics.deleteBefore(cutoff)
      logs.deleteBefore(cutoff)
      traces.deleteBefore(cutoff)
      deleteBatches.run(cutoff)
    })
    metrics.applyRetention(cutoff)
  })

  yield* enforceRetention
  yield* enforceRetention.pipe(
    Effect.repeat(Schedule.spaced(Duration.hours(1))),
    Effect.delay(Duration.hours(1)),
    Effect.forkScoped
  )

  return Store.of({ metrics, logs, traces, ingest, enforceRetention, file: path.join(options.dataDir, Db.fileName) })
})

/**
 * The store as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Store, OpenError> => Layer.effect(Store, make(options))
