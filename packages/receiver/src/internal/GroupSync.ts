// Group commit. Each request's transaction is committed to the WAL without a sync (it is
// then in the page cache: a killed process loses nothing), and answered once a sync of the
// WAL that started after its commit has finished (then a power loss loses nothing either).
// One sync covers every commit made before it started, so concurrent requests share syncs
// instead of queueing one fsync each, and the syncs run off the event loop, which meanwhile
// decodes and commits the next requests.

export interface GroupSync {
  /** Resolves once everything committed before the call is on disk; rejects if a sync failed. */
  readonly durable: () => Promise<void>
  /** Resolves once no sync is under way (before closing what `sync` writes to). */
  readonly idle: () => Promise<void>
}

const ignore = () => {}

export const make = (sync: () => Promise<void>): GroupSync => {
  // The sync under way, and the one that starts when it ends (covering the commits made meanwhile).
  let running: Promise<void> | undefined
  let queued: Promise<void> | undefined
  // After a failed sync the page cache may have dropped what it could not write, so a later
  // sync proves nothing about earlier commits: every later request fails too, until restart.
  let failure: Error | undefined

  const start = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure)
    const current = sync().catch((cause: unknown) => {
      failure ??= new Error(`syncing the write-ahead log failed: restart the receiver (${String(cause)})`, { cause })
      throw failure
    })
    running = current
    const done = () => {
      if (running === current) running = undefined
    }
    current.then(done, done)
    return current
  }

  const durable = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure)
    if (running === undefined) return start()
    queued ??= running.then(ignore, ignore).then(() => {
      queued = undefined
      return start()
    })
    return queued
  }

  const idle = (): Promise<void> => {
    const pending = queued ?? running
    return pending === undefined ? Promise.resolve() : pending.then(ignore, ignore).then(idle)
  }

  return { durable, idle }
}
