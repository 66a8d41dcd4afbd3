// The live exporter: drains the recorder (and the tracer's ended spans) on an interval and at
// scope close, turns deltas into cumulative points (host-wide state when a state directory is
// given), writes the encoded requests to the spool and sends everything pending: metrics,
// logs and spans alike. Loaded lazily: a process with telemetry off never imports it (nor
// opens a socket), and one without a traces URL never imports the tracer (Traces.ts).
import { Duration, Effect, Latch, Semaphore, type Tracer } from "effect"
import { createHash } from "node:crypto"
import * as path from "node:path"
import type { FlushReport, Options, Shape, Unsent } from "../Telemetry.ts"
import { defaultFlushTimeoutMs, defaultTimeoutMs } from "../TelemetryConfig.ts"
import * as Emit from "./Emit.ts"
import * as Endpoint from "./Endpoint.ts"
import * as Totals from "./Totals.ts"
import * as UnixNanos from "./UnixNanos.ts"
import { type Delivery, deliver, type RetryPolicy } from "./Delivery.ts"
import * as HostTotals from "./HostTotals.ts"
import { makeConnections } from "./Http.ts"
import { logsRequest, metricsRequest } from "./otlp/Encode.ts"
import type { KeyValue } from "../OtlpData.ts"
import * as PrivateDir from "./PrivateDir.ts"
import * as Recorder from "./Recorder.ts"
import * as InstrumentationScope from "./InstrumentationScope.ts"
import * as Spool from "./Spool.ts"

// One state file per backend and resource: the series a backend stores are keyed by both.
// The backend is its URL without userinfo: the key says nothing of a password, and the
// same backend with a rotated password keeps its counter state.
const stateKey = (metrics: Endpoint.Endpoint, options: Options) =>
  createHash("sha256")
    .update(JSON.stringify([metrics.id, Object.entries(options.resource).toSorted()]))
    .digest("hex")
    .slice(0, 16)

const stderr = (message: string) => Effect.sync(() => process.stderr.write(`gastown-otel: ${message}\n`))

// Each problem is reported once per exporter: a backend that is down says so once, not
// once per flush. A problem that went away is forgotten: if it comes back, it is news.
const makeWarnings = () => {
  const said = new Set<string>()
  return {
    once: (key: string, message: string) =>
      Effect.suspend(() => {
        if (said.has(key)) return Effect.void
        said.add(key)
        return stderr(message)
      }),
    forget: (key: string) => said.delete(key)
  }
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

// What one flush did, gathered as it goes; read only by `flushReport`.
interface Round {
  readonly sent: { requests: number; records: number }
  readonly dropped: Map<string, Unsent>
  /** Why a file stays: it needs credentials this process lacks. */
  readonly heldFiles: Map<string, string>
  /** Why every file for a URL stays: it is down or refused our credentials. */
  readonly heldUrls: Map<string, string>
  /** URLs that took a request in this round. */
  readonly up: Set<string>
  /** The round at exit: sending is bounded by the exit budget. */
  readonly atExit: boolean
}

const newRound = (atExit = false): Round => ({
  sent: { requests: 0, records: 0 },
  dropped: new Map(),
  heldFiles: new Map(),
  heldUrls: new Map(),
  up: new Set(),
  atExit
})

// Unsent requests summed per endpoint and reason.
const tally = (into: Map<string, Unsent>, signal: Spool.Signal, url: string, records: number, reason: string) => {
  const key = `${signal} ${url} ${reason}`
  const seen = into.get(key)
  into.set(key, {
    signal,
    url,
    reason,
    requests: (seen?.requests ?? 0) + 1,
    records: (seen?.records ?? 0) + records
  })
}

const keptLater = "telemetry kept in the spool, sent by a later command or `gt flush`"

/** The service, and the tracer whose spans it exports when a traces URL is set. */
export interface Live {
  readonly service: Shape
  readonly tracer: Tracer.Tracer | undefined
}

export const make = Effect.fnUntraced(function* (options: Options) {
  const { once: warnOnce, forget } = makeWarnings()
  const urls = [options.metricsUrl, options.logsUrl, ...(options.tracesUrl === undefined ? [] : [options.tracesUrl])]
  const invalid = urls.filter((url) => URL.parse(url) === null).length
  if (invalid > 0) {
    // The configuration checks URLs; a program calling `layer` itself may not have.
    yield* warnOnce("url", `${invalid} endpoint URL(s) could not be parsed; telemetry is off`)
    const off: Shape = {
      emit: () => Effect.void,
      flush: Effect.void,
      flushReport: Effect.succeed({ _tag: "Off" } as const)
    }
    return { service: off, tracer: undefined } satisfies Live
  }
  const metricsEndpoint = Endpoint.make("metrics", options.metricsUrl, options.headers?.metrics ?? {})
  const logsEndpoint = Endpoint.make("logs", options.logsUrl, options.headers?.logs ?? {})
  const tracesEndpoint =
    options.tracesUrl === undefined
      ? undefined
      : Endpoint.make("traces", options.tracesUrl, options.headers?.traces ?? {})
  const endpoints = [metricsEndpoint, logsEndpoint, ...(tracesEndpoint === undefined ? [] : [tracesEndpoint])]
  const ids = endpoints.map((e) => e.id)
  const endpointFor = (header: Spool.Header) => endpoints.find((e) => e.signal === header.signal && e.id === header.url)

  const processStart = UnixNanos.now()
  // Opened when the log buffer fills up: the export fiber runs at once instead of waiting
  // for its interval, and the emitting fiber never waits for it.
  const pressure = Latch.makeUnsafe(false)
  const recorder = Recorder.make({ derive: options.derive, onPressure: () => pressure.openUnsafe() })
  // Spans are recorded only with a traces URL, and only then is the tracer loaded.
  const tracing =
    tracesEndpoint === undefined
      ? undefined
      : yield* Effect.promise(() => import("./Traces.ts")).pipe(
          Effect.map((traces) => ({
            traces,
            endpoint: tracesEndpoint,
            spans: traces.make({ drop: recorder.drop, onPressure: () => pressure.openUnsafe() })
          }))
        )
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
  // The host state and the spool need a private directory (PrivateDir); without one,
  // totals stay in this process and unsent requests are lost (and counted).
  const stored = yield* Effect.sync(() => {
    if (options.stateDir === undefined) return undefined
    try {
      const dir = path.join(options.stateDir, stateKey(metricsEndpoint, options))
      const refused = PrivateDir.ensure(options.stateDir) ?? PrivateDir.ensure(dir)
      if (refused !== undefined) return `state directory refused: ${refused}`
      return {
        // Other processes hold the lock for a millisecond or two; a second is a generous
        // bound that a flush at exit can afford when many commands end at once.
        cumulative: HostTotals.make(path.join(dir, "counters.json"), 1_000, processStart),
        spool: Spool.make(path.join(options.stateDir, "spool"), options.maxSpoolBytes ?? 16 * 1024 * 1024)
      }
    } catch (error) {
      return `no state directory (${String(error)})`
    }
  })
  if (typeof stored === "string") {
    yield* warnOnce("dir", `${stored}; telemetry goes on without a spool, counters per process`)
  }
  const cumulative: Totals.Totals =
    typeof stored === "object" ? stored.cumulative : Totals.inProcess(processStart, UnixNanos.now)
  const spool = typeof stored === "object" ? stored.spool : undefined

  const dropped = (round: Round, header: Spool.Header, reason: Recorder.DropReason, why: string): Effect.Effect<void> =>
    Effect.sync(() => {
      recorder.drop(reason, header.items)
      tally(round.dropped, header.signal, header.url, header.items, why)
    }).pipe(Effect.andThen(warnOnce(`dropped ${why}`, `${why}: its records are dropped`)))

  // A backend that cannot take requests is news once: the first process to meet it (this
  // one, or another since the backend last took a request) tells the user.
  const held = (round: Round, url: string, why: string, then: string, quiet: boolean) =>
    Effect.suspend(() => {
      round.heldUrls.set(url, why)
      const first = spool?.down(url) ?? true
      return first && !quiet ? warnOnce(`down ${url}`, `${why}: ${then}`) : Effect.void
    })

  const sendOne = (endpoint: Endpoint.Endpoint, body: Uint8Array, batch?: string): Effect.Effect<Delivery> =>
    deliver(
      connections,
      endpoint.url,
      body,
      batch === undefined ? endpoint.headers : { ...endpoint.headers, [Spool.batchHeader]: batch },
      policy
    )

  const delivered = (round: Round, header: Spool.Header) =>
    Effect.sync(() => {
      round.sent.requests++
      round.sent.records += header.items
      if (!round.up.has(header.url)) {
        round.up.add(header.url)
        spool?.up(header.url)
        forget(`down ${header.url}`)
      }
    })

  const sendEntry = (round: Round, endpoint: Endpoint.Endpoint, entry: Spool.Entry, quiet: boolean) =>
    sendOne(endpoint, entry.body, entry.batch).pipe(
      Effect.tap(({ result, answer }) => {
        const { header } = entry
        switch (result) {
          case "sent":
            return delivered(round, header)
          case "rejected":
            return dropped(
              round,
              header,
              "export_failed",
              `backend at ${header.url} ${answer}, rejecting a ${header.signal} request`
            )
          case "unauthorized":
            return held(
              round,
              header.url,
              `backend at ${header.url} ${answer}: credentials refused`,
              `${keptLater} with working credentials`,
              quiet
            )
          case "unavailable":
            return held(round, header.url, `backend at ${header.url} ${answer}`, keptLater, quiet)
        }
      })
    )

  // This process's files first, then the oldest. A file that needs credentials this
  // process lacks is left unclaimed; a URL found unavailable is not tried again in this
  // round.
  const sendPending = (round: Round, quiet: boolean): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (spool === undefined) return Effect.void
      return Effect.forEach(
        spool.pending(ids),
        (name) => {
          const header = spool.peek(name)
          const endpoint = header === undefined ? undefined : endpointFor(header)
          if (header === undefined || endpoint === undefined || round.heldUrls.has(header.url)) return Effect.void
          const missing = Endpoint.lacking(header.needs, endpoint.has)
          if (missing.length > 0) {
            return Effect.sync(() =>
              round.heldFiles.set(name, `needs credentials this process lacks for ${header.url}: ${missing.join(", ")}`)
            )
          }
          return Effect.acquireUseRelease(
            Effect.sync(() => spool.claim(name)),
            (entry) =>
              entry === undefined || round.heldUrls.has(entry.header.url)
                ? Effect.succeed(undefined)
                : sendEntry(round, endpoint, entry, quiet),
            (entry, exit) => {
              if (entry === undefined) return Effect.void
              if (exit._tag === "Success" && (exit.value?.result === "sent" || exit.value?.result === "rejected")) {
                return Effect.sync(() => spool.done(entry))
              }
              return Effect.sync(() => spool.release(entry)).pipe(
                // Interrupted: the exit budget ran out while the backend had not answered.
                Effect.andThen(
                  exit._tag === "Failure"
                    ? held(
                        round,
                        entry.header.url,
                        `backend at ${entry.header.url} did not answer within the exit budget (${shutdownTimeoutMs} ms)`,
                        keptLater,
                        quiet
                      )
                    : Effect.void
                )
              )
            }
          )
        },
        // Metrics, logs and spans go to different backends: sending them side by side keeps
        // one slow backend from taking the exit budget of the others.
        { discard: true, concurrency: 4 }
      )
    })

  // Without a spool: sent once, and lost (counted, said) if the backend does not take it.
  const sendNow =
    (round: Round, header: Spool.Header, endpoint: Endpoint.Endpoint): ((body: Uint8Array) => Effect.Effect<void>) =>
    (body) =>
      sendOne(endpoint, body).pipe(
        Effect.flatMap(({ result, answer }) =>
          result === "sent"
            ? delivered(round, header)
            : dropped(round, header, "export_failed", `backend at ${header.url} ${answer}, and there is no spool`)
        )
      )

  // To the spool, then sent from there; straight to the backend when there is no spool or
  // the disk refuses the write (full, read-only).
  const export_ = (round: Round, endpoint: Endpoint.Endpoint, items: number, body: Uint8Array): Effect.Effect<void> => {
    const header: Spool.Header = { signal: endpoint.signal, url: endpoint.id, needs: endpoint.has, items }
    const direct = sendNow(round, header, endpoint)
    return spool === undefined
      ? direct(body)
      : Effect.try({ try: () => spool.put(header, body), catch: String }).pipe(
          Effect.matchEffect({
            onFailure: (error) =>
              warnOnce("spool", `cannot write the spool (${error}); sending directly`).pipe(
                Effect.andThen(
                  // At exit, with nowhere to keep it, a request gets the exit budget and no more.
                  round.atExit
                    ? direct(body).pipe(
                        Effect.timeoutOrElse({
                          duration: shutdownTimeoutMs,
                          orElse: () =>
                            warnOnce(
                              "exit_budget",
                              `a ${endpoint.signal} request not sent within the exit budget was dropped`
                            )
                        })
                      )
                    : direct(body)
                )
              ),
            onSuccess: (lost) =>
              lost === 0
                ? Effect.void
                : Effect.sync(() => recorder.drop("spool_full", lost)).pipe(
                    Effect.andThen(warnOnce("spool_full", "the spool is full: the oldest unsent telemetry was dropped"))
                  )
          })
        )
  }

  // One sender at a time: a second one waits for the first instead of interrupting or
  // racing it (the final flush waits for a periodic one in progress).
  const oneAtATime = Semaphore.makeUnsafe(1)

  // Telemetry never fails its host: a defect (a full disk, a bug) is reported once.
  const safely = (effect: Effect.Effect<void>) =>
    effect.pipe(Effect.catchCause((cause) => warnOnce("defect", `export failed: ${String(cause)}`)))

  // Drains what was recorded into the spool (local disk), or sends it when there is none.
  // Spans first: what their buffer dropped is reported by the recorder's drain that follows.
  const persist = (round: Round): Effect.Effect<void> =>
    Effect.gen(function* () {
      if (tracing !== undefined) {
        const { endpoint, spans, traces } = tracing
        for (const batch of traces.requests(spans.drain())) {
          yield* export_(
            round,
            endpoint,
            batch.length,
            traces.tracesRequest([{ resource, scope: InstrumentationScope.scope, spans: batch }])
          )
        }
      }
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
          yield* export_(
            round,
            metricsEndpoint,
            items,
            metricsRequest([{ resource, scope: InstrumentationScope.scope, metrics }])
          )
        }
      }
      for (const records of chunks(logs, maxRecordsPerRequest)) {
        yield* export_(
          round,
          logsEndpoint,
          records.length,
          logsRequest([{ resource, scope: InstrumentationScope.scope, records }])
        )
      }
    })

  const flushRound = (round: Round, quiet: boolean): Effect.Effect<void> =>
    safely(persist(round).pipe(Effect.andThen(oneAtATime.withPermits(1)(sendPending(round, quiet)))))

  const flush: Effect.Effect<void> = Effect.suspend(() => flushRound(newRound(), false))

  // What is left for this process's endpoints after a round, each file with its reason.
  const report = (round: Round): FlushReport => {
    const spooled = new Map<string, Unsent>()
    let elsewhere = spool?.elsewhere(ids) ?? 0
    for (const name of spool?.pending(ids) ?? []) {
      const header = spool?.peek(name)
      if (header === undefined) continue
      if (endpointFor(header) === undefined) {
        elsewhere++
        continue
      }
      const why = round.heldFiles.get(name) ?? round.heldUrls.get(header.url) ?? "spooled while this flush ran"
      tally(spooled, header.signal, header.url, header.items, why)
    }
    return {
      _tag: "Flushed",
      spool: spool !== undefined,
      sent: { ...round.sent },
      spooled: [...spooled.values()],
      dropped: [...round.dropped.values()],
      elsewhere
    }
  }

  // The caller reports, so this flush does not also warn on stderr.
  const flushReport: Effect.Effect<FlushReport> = Effect.suspend(() => {
    const round = newRound()
    return flushRound(round, true).pipe(Effect.andThen(Effect.sync(() => report(round))))
  })

  // A CLI (no interval) exports at exit, or earlier under pressure; no timer keeps it alive.
  const wait =
    exportIntervalMs === undefined ? pressure.await : Effect.raceFirst(Effect.sleep(exportIntervalMs), pressure.await)
  // Draining into the spool never waits for a send in progress: under pressure the buffers
  // are emptied to disk at once, and the sender takes the files when it is free.
  const sending = Latch.makeUnsafe(false)
  const persistRound = Effect.suspend(() =>
    spool === undefined
      ? flush
      : safely(persist(newRound())).pipe(Effect.andThen(Effect.sync(() => sending.openUnsafe())))
  )
  const sendRound = Effect.suspend(() => safely(oneAtATime.withPermits(1)(sendPending(newRound(), false))))
  // Forked before the final flush is registered, so they are stopped after that flush ran:
  // finalizers run in reverse order.
  yield* Effect.forkScoped(
    Effect.forever(wait.pipe(Effect.andThen(Effect.sync(() => pressure.closeUnsafe())), Effect.andThen(persistRound)))
  )
  if (spool !== undefined) {
    yield* Effect.forkScoped(
      Effect.forever(
        sending.await.pipe(Effect.andThen(Effect.sync(() => sending.closeUnsafe())), Effect.andThen(sendRound))
      )
    )
  }
  // At exit, what was recorded reaches the spool first, whatever the budget: only the
  // sending is bounded by it (a budget of 0 sends nothing: `gt flush` will). Without a
  // spool, everything is.
  const sendWithinBudget =
    shutdownTimeoutMs > 0 || spool === undefined
      ? flush.pipe(Effect.timeoutOrElse({ duration: shutdownTimeoutMs, orElse: () => Effect.void }))
      : Effect.void
  yield* Effect.addFinalizer(() =>
    (spool === undefined ? Effect.void : safely(persist(newRound(true)))).pipe(
      Effect.andThen(sendWithinBudget),
      exitOnSignal,
      Effect.ensuring(Effect.sync(() => connections.destroy()))
    )
  )

  const service: Shape = {
    emit: Emit.make(recorder, { strict: options.strict ?? false }),
    flush,
    flushReport
  }
  return { service, tracer: tracing?.spans.tracer } satisfies Live
})
