// The live exporter: drains the recorder on an interval and at InstrumentationScope.scope close, turns deltas
// into cumulative points (host-wide state when a state directory is given), writes the
// encoded requests to the spool and sends everything pending. Loaded lazily: a process
// with telemetry off never imports it (nor opens a socket).
import { Resource } from "@gastown-otel/schema"
import { Duration, Effect, Latch, Layer, Semaphore } from "effect"
import { createHash } from "node:crypto"
import * as path from "node:path"
import type { Options, Shape } from "../Telemetry.ts"
import { defaultFlushTimeoutMs, defaultTimeoutMs } from "../TelemetryConfig.ts"
import * as Totals from "./Totals.ts"
import * as UnixNanos from "./UnixNanos.ts"
import * as Emit from "./Emit.ts"
import { type Delivery, deliver, type RetryPolicy } from "./Delivery.ts"
import * as HostTotals from "./HostTotals.ts"
import { makeConnections } from "./Http.ts"
import { logsRequest, metricsRequest } from "./otlp/Encode.ts"
import type { KeyValue } from "../OtlpData.ts"
import * as Recorder from "./Recorder.ts"
import * as InstrumentationScope from "./InstrumentationScope.ts"
import * as Spool from "./Spool.ts"

// One state file per backend and resource: the series a backend stores are keyed by both.
const stateKey = (options: Options) =>
  createHash("sha256")
    .update(JSON.stringify([options.metricsUrl, Object.entries(options.resource).toSorted()]))
    .digest("hex")
    .slice(0, 16)

// Each problem is reported once per exporter: a backend that is down says so once, not
// once per flush.
const makeWarnOnce = () => {
  const said = new Set<string>()
  return (key: string, message: string) =>
    Effect.sync(() => {
      if (said.has(key)) return
      said.add(key)
      process.stderr.write(`gastown-otel: ${message}\n`)
    })
}

// Log records per request: a request stays far below the backends' and the spool's limits.
const maxRecordsPerRequest = 1_000

const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

// While the final flush runs, a (second) SIGINT or SIGTERM ends the process at once, with
// the shell's code for that signal: the user asked twice, and what is not sent yet is in
// the spool already.
const exitOnSignal = <A, E, R>(flush: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const onInt = () => process.exit(130)
      const onTerm = () => process.exit(143)
      process.once("SIGINT", onInt)
      process.once("SIGTERM", onTerm)
      return { onInt, onTerm }
    }),
    () => flush,
    ({ onInt, onTerm }) =>
      Effect.sync(() => {
        process.off("SIGINT", onInt)
        process.off("SIGTERM", onTerm)
      })
  )

export const make = Effect.fnUntraced(function* (options: Options) {
  const warnOnce = makeWarnOnce()
  const processStart = UnixNanos.now()
  // Opened when the log buffer fills up: the export fiber runs at once instead of waiting
  // for its interval, and the emitting fiber never waits for it.
  const pressure = Latch.makeUnsafe(false)
  const recorder = Recorder.make({ derive: options.derive, onPressure: () => pressure.openUnsafe() })
  const connections = makeConnections()
  const resource: ReadonlyArray<KeyValue> = Object.entries(options.resource).map(([key, value]) => ({
    key,
    value: { string: value }
  }))
  // Defaults in one place; times as milliseconds from here on.
  const shutdownTimeoutMs = Duration.toMillis(options.shutdownTimeout ?? defaultFlushTimeoutMs)
  const exportIntervalMs = options.exportInterval === undefined ? undefined : Duration.toMillis(options.exportInterval)
  const policy: RetryPolicy = {
    attempts: exportIntervalMs === undefined ? 2 : 4,
    baseDelayMs: 50,
    maxDelayMs: 5_000,
    timeoutMs: Duration.toMillis(options.timeout ?? defaultTimeoutMs)
  }
  // The host state and the spool need a writable directory; without one, totals stay in
  // this process and unsent requests are lost (and counted).
  const stored = yield* Effect.sync(() => {
    if (options.stateDir === undefined) return undefined
    try {
      const dir = path.join(options.stateDir, stateKey(options))
      return {
        // Other processes hold the lock for a millisecond or two; a second is a generous
        // bound that a flush at exit can afford when many commands end at once.
        cumulative: HostTotals.make(path.join(dir, "counters.json"), 1_000, processStart),
        spool: Spool.make(path.join(options.stateDir, "spool"), options.maxSpoolBytes ?? 16 * 1024 * 1024)
      }
    } catch (error) {
      return String(error)
    }
  })
  if (typeof stored === "string") yield* warnOnce("dir", `no state directory (${stored}); counters are per process`)
  const cumulative: Totals.Totals =
    typeof stored === "object" ? stored.cumulative : Totals.inProcess(processStart, UnixNanos.now)
  const spool = typeof stored === "object" ? stored.spool : undefined

  const dropped = (reason: Recorder.DropReason, items: number, why: string) =>
    items === 0 ? Effect.void : Effect.sync(() => recorder.drop(reason, items)).pipe(Effect.andThen(warnOnce(why, why)))

  const sendOne = (header: Spool.Header, body: Uint8Array, batch?: string): Effect.Effect<Delivery> =>
    deliver(
      connections,
      new URL(header.url),
      body,
      batch === undefined ? header.headers : { ...header.headers, [Spool.batchHeader]: batch },
      policy
    )

  // This process's files first, then the oldest; a URL found unavailable is not tried again
  // in this round.
  const sendPending: Effect.Effect<void> = Effect.suspend(() => {
    if (spool === undefined) return Effect.void
    const down = new Set<string>()
    return Effect.forEach(
      spool.pending([options.metricsUrl, options.logsUrl]),
      (name) =>
        Effect.acquireUseRelease(
          Effect.sync(() => spool.claim(name)),
          (entry) =>
            entry === undefined || down.has(entry.header.url)
              ? Effect.succeed<Delivery>("unavailable")
              : sendOne(entry.header, entry.body, entry.batch).pipe(
                  Effect.tap((result) =>
                    result === "unavailable"
                      ? Effect.sync(() => down.add(entry.header.url))
                      : result === "rejected"
                        ? dropped(
                            "export_failed",
                            entry.header.items,
                            `the backend rejected a ${entry.header.signal} request`
                          )
                        : Effect.void
                  )
                ),
          (entry, exit) =>
            Effect.sync(() => {
              if (entry === undefined) return
              const result = exit._tag === "Success" ? exit.value : "unavailable"
              if (result === "unavailable") spool.release(entry)
              else spool.done(entry)
            })
        ),
      // Metrics and logs go to different backends: sending them side by side halves what a
      // slow backend costs the exit budget.
      { discard: true, concurrency: 4 }
    )
  })

  const sendNow = (header: Spool.Header, body: Uint8Array): Effect.Effect<void> =>
    sendOne(header, body).pipe(
      Effect.flatMap((result) =>
        result === "sent" ? Effect.void : dropped("export_failed", header.items, "telemetry could not be sent")
      )
    )

  // To the spool, then sent from there; straight to the backend when there is no spool or
  // the disk refuses the write (full, read-only).
  const export_ = (header: Spool.Header, body: Uint8Array): Effect.Effect<void> =>
    spool === undefined
      ? sendNow(header, body)
      : Effect.try({ try: () => spool.put(header, body), catch: String }).pipe(
          Effect.matchEffect({
            onFailure: (error) =>
              warnOnce("spool", `cannot write the spool (${error}); sending directly`).pipe(
                Effect.andThen(sendNow(header, body))
              ),
            onSuccess: (lost) =>
              dropped("spool_full", lost, "the spool is full: the oldest unsent telemetry was dropped")
          })
        )

  // One sender at a time: a second one waits for the first instead of interrupting or
  // racing it (the final flush waits for a periodic one in progress).
  const oneAtATime = Semaphore.makeUnsafe(1)

  // Telemetry never fails its host: a defect (a full disk, a bug) is reported once.
  const safely = (effect: Effect.Effect<void>) =>
    effect.pipe(Effect.catchCause((cause) => warnOnce("defect", `export failed: ${String(cause)}`)))

  // Drains what was recorded into the spool (local disk), or sends it when there is none.
  const persist: Effect.Effect<void> = Effect.gen(function* () {
    const { series, logs } = recorder.drain()
    if (series.length > 0) {
      // The state not writable: the deltas go back into the recorder for the next flush (a
      // long-running process has one; at exit they are lost, and said so). A lock not had in
      // time is not a failure: the deltas are parked for the next flush of any process.
      const metrics = yield* cumulative
        .points(series)
        .pipe(
          Effect.catchCause((cause) =>
            Effect.sync(() => recorder.restore(series)).pipe(
              Effect.andThen(warnOnce("state", `counter totals not updated: ${String(cause)}`)),
              Effect.as([])
            )
          )
        )
      if (metrics.length > 0) {
        const items = metrics.reduce((n, m) => n + m.points.length, 0)
        const header = {
          signal: "metrics",
          url: options.metricsUrl,
          headers: options.headers?.metrics ?? {},
          items
        } as const
        yield* export_(header, metricsRequest([{ resource, scope: InstrumentationScope.scope, metrics }]))
      }
    }
    for (const records of chunks(logs, maxRecordsPerRequest)) {
      const header = {
        signal: "logs",
        url: options.logsUrl,
        headers: options.headers?.logs ?? {},
        items: records.length
      } as const
      yield* export_(header, logsRequest([{ resource, scope: InstrumentationScope.scope, records }]))
    }
  })

  const flush: Effect.Effect<void> = safely(persist.pipe(Effect.andThen(oneAtATime.withPermits(1)(sendPending))))

  // A CLI (no interval) exports at exit, or earlier under pressure; no timer keeps it alive.
  const wait =
    exportIntervalMs === undefined ? pressure.await : Effect.raceFirst(Effect.sleep(exportIntervalMs), pressure.await)
  // Forked before the final flush is registered, so it is stopped after that flush ran:
  // finalizers run in reverse order.
  yield* Effect.forkScoped(
    Effect.forever(wait.pipe(Effect.andThen(Effect.sync(() => pressure.closeUnsafe())), Effect.andThen(flush)))
  )
  // At exit, what was recorded reaches the spool first, whatever the budget: only the
  // sending is bounded by it (a budget of 0 sends nothing: `gt flush` will). Without a
  // spool, everything is.
  const sendWithinBudget =
    shutdownTimeoutMs > 0 || spool === undefined
      ? flush.pipe(Effect.timeoutOrElse({ duration: shutdownTimeoutMs, orElse: () => Effect.void }))
      : Effect.void
  yield* Effect.addFinalizer(() =>
    (spool === undefined ? Effect.void : safely(persist)).pipe(
      Effect.andThen(sendWithinBudget),
      exitOnSignal,
      Effect.ensuring(Effect.sync(() => connections.destroy()))
    )
  )

  return {
    emit: Emit.make(recorder, { strict: options.strict ?? false }),
    flush
  } satisfies Shape
})

// Spans go through Effect's own OTLP tracer (protobuf), only when a traces URL is set; it
// is loaded only then, which keeps every other process's start-up and exit short.
export const tracerLayer = (options: Options): Layer.Layer<never> => {
  const url = options.tracesUrl
  if (url === undefined) return Layer.empty
  const {
    [Resource.keys.serviceName]: serviceName,
    [Resource.keys.serviceVersion]: serviceVersion,
    ...attributes
  } = options.resource
  return Layer.unwrap(
    Effect.promise(async () => {
      const [{ FetchHttpClient }, { OtlpSerialization, OtlpTracer }] = await Promise.all([
        import("effect/http"),
        import("effect/observability")
      ])
      return OtlpTracer.layer({
        url,
        resource: { serviceName, serviceVersion, attributes },
        headers: options.headers?.traces,
        shutdownTimeout: options.shutdownTimeout ?? defaultFlushTimeoutMs
      }).pipe(Layer.provide([OtlpSerialization.layerProtobuf, FetchHttpClient.layer]))
    })
  )
}
