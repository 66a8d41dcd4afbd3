/**
 * The issue store: a JSON file under a lock. Every operation reports itself as
 * `bd.storage.operation` (and `bd.storage.error` when it fails); an operation that found
 * the store locked is retried with backoff, each retry reported as `bd.db.retry`.
 */
import type { BdEvents } from "@gastown-otel/schema"
import { Outcome, Telemetry } from "@gastown-otel/telemetry"
import {
  Clock,
  Config,
  Context,
  Duration,
  Effect,
  Exit,
  FileSystem,
  Layer,
  Option,
  Path,
  Schema,
  type Scope
} from "effect"
import * as Db from "./Db.ts"
import * as FileLock from "./FileLock.ts"
import * as StoreError from "./StoreError.ts"

/**
 * An issue as given to `create`.
 */
export interface NewIssue {
  readonly title: string
  readonly description?: string | undefined
  readonly issue_type: Db.Issue["issue_type"]
  readonly priority: number
}

/**
 * A message as given to `send`.
 */
export interface NewMessage {
  readonly from: string
  readonly to: string
  readonly subject: string
  readonly body: string
}

/**
 * What the store offers.
 */
export interface Shape {
  readonly create: (issue: NewIssue) => Effect.Effect<Db.Issue, StoreError.StoreError>
  readonly list: Effect.Effect<ReadonlyArray<Db.Issue>, StoreError.StoreError>
  readonly show: (id: string) => Effect.Effect<Db.Issue, StoreError.StoreError>
  readonly update: (
    id: string,
    status: typeof BdEvents.IssueStatus.Type
  ) => Effect.Effect<Db.Issue, StoreError.StoreError>
  readonly close: (id: string) => Effect.Effect<Db.Issue, StoreError.StoreError>
  readonly send: (message: NewMessage) => Effect.Effect<Db.Message, StoreError.StoreError>
  /** Returns the message and marks it read. */
  readonly read: (id: string) => Effect.Effect<Db.Message, StoreError.StoreError>
  /** Messages to `to`, or all of them. */
  readonly inbox: (to: string | undefined) => Effect.Effect<ReadonlyArray<Db.Message>, StoreError.StoreError>
  /** Replaces the descriptions of the given issues with their summaries; returns how many changed. */
  readonly compact: (summaries: ReadonlyMap<string, string>) => Effect.Effect<number, StoreError.StoreError>
}

/**
 * The service key.
 */
export class Store extends Context.Service<Store, Shape>()("@gastown-otel/example-bd/Store") {}

/**
 * Where the store is and how patient it is with a locked store.
 */
export interface Options {
  /** The JSON file; its directory is created on the first write. */
  readonly path: string
  /** How long one attempt waits for the lock. Default 1 second. */
  readonly lockTimeout?: Duration.Input | undefined
  /** How many times an operation that found the store locked is tried. Default 3. */
  readonly attempts?: number | undefined
}

const notFound = (what: string, id: string) =>
  new StoreError.StoreError({ reason: "not_found", message: `${what} ${id} not found` })

const find = <A extends { readonly id: string }>(
  what: string,
  items: ReadonlyArray<A>,
  id: string
): Effect.Effect<A, StoreError.StoreError> => {
  const item = items.find((i) => i.id === id)
  return item === undefined ? Effect.fail(notFound(what, id)) : Effect.succeed(item)
}

const replace = <A extends { readonly id: string }>(items: ReadonlyArray<A>, item: A): ReadonlyArray<A> =>
  items.map((i) => (i.id === item.id ? item : i))

/**
 * Builds the store over the file at `options.path`.
 */
export const make = Effect.fnUntraced(function* (options: Options) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const telemetry = yield* Telemetry.Telemetry
  const lock: FileLock.Options = {
    path: options.path,
    timeoutMs: Duration.toMillis(Duration.fromInputUnsafe(options.lockTimeout ?? "1 second"))
  }
  const attempts = options.attempts ?? 3

  // No file yet is an empty store: the first write creates it.
  const load: Effect.Effect<Db.Db, StoreError.StoreError> = fs.readFileString(options.path).pipe(
    Effect.map(Option.some),
    Effect.catchIf(
      (error) => error.reason._tag === "NotFound",
      () => Effect.succeed(Option.none<string>())
    ),
    Effect.mapError(StoreError.io),
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.succeed(Db.empty),
        onSome: (text) =>
          Schema.decodeEffect(Db.Json)(text).pipe(
            Effect.mapError(
              (error) =>
                new StoreError.StoreError({
                  reason: "corrupt",
                  message: `${options.path} is not a bd store: ${error.message}`
                })
            )
          )
      })
    )
  )

  // Write a sibling and rename it over the store: a reader never sees half a file, and a
  // crash mid-write leaves the previous version.
  const save = (db: Db.Db): Effect.Effect<void, StoreError.StoreError> =>
    Effect.gen(function* () {
      const text = yield* Schema.encodeEffect(Db.Json)(db).pipe(Effect.orDie)
      const temporary = `${options.path}.tmp`
      yield* fs.writeFileString(temporary, text + "\n")
      yield* fs.rename(temporary, options.path)
    }).pipe(Effect.mapError(StoreError.io))

  const withServices = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem | Telemetry.Telemetry>) =>
    effect.pipe(Effect.provideService(FileSystem.FileSystem, fs), Effect.provideService(Telemetry.Telemetry, telemetry))

  // Each retry is reported with the attempt that found the store locked (1 = the first),
  // then waits 25 ms, 50 ms, … so contending processes spread out.
  const retrying =
    (op: string) =>
    <A>(self: Effect.Effect<A, StoreError.StoreError>): Effect.Effect<A, StoreError.StoreError> => {
      const attempt = (n: number): Effect.Effect<A, StoreError.StoreError> =>
        self.pipe(
          Effect.catchIf(
            (error) => error.reason === "locked" && n < attempts,
            (error) =>
              telemetry
                .emit({ _tag: "bd.db.retry", db_operation: op, attempt: n, error: error.message })
                .pipe(Effect.andThen(Effect.sleep(25 * 2 ** (n - 1))), Effect.andThen(attempt(n + 1)))
          )
        )
      return attempt(1)
    }

  const instrumented =
    (op: string) =>
    <A>(self: Effect.Effect<A, StoreError.StoreError>): Effect.Effect<A, StoreError.StoreError> =>
      self.pipe(
        Outcome.measured((outcome, exit) =>
          Effect.gen(function* () {
            yield* telemetry.emit({ _tag: "bd.storage.operation", db_operation: op, ...outcome })
            const error = Exit.findErrorOption(exit)
            if (Option.isSome(error)) {
              yield* telemetry.emit({
                _tag: "bd.storage.error",
                db_operation: op,
                error_kind: error.value.reason,
                error: error.value.message
              })
            }
          })
        )
      )

  const run = <A>(
    op: string,
    body: Effect.Effect<A, StoreError.StoreError, FileSystem.FileSystem | Telemetry.Telemetry | Scope.Scope>
  ): Effect.Effect<A, StoreError.StoreError> => withServices(Effect.scoped(body)).pipe(retrying(op), instrumented(op))

  const read = <A>(op: string, f: (db: Db.Db) => Effect.Effect<A, StoreError.StoreError>) =>
    run(op, FileLock.shared(lock).pipe(Effect.andThen(load), Effect.flatMap(f)))

  const write = <A>(
    op: string,
    f: (db: Db.Db, now: string) => Effect.Effect<readonly [A, Db.Db], StoreError.StoreError>
  ) =>
    run(
      op,
      Effect.gen(function* () {
        // The first write creates the store's directory, where the lock file lives too.
        yield* fs.makeDirectory(path.dirname(options.path), { recursive: true }).pipe(Effect.mapError(StoreError.io))
        yield* FileLock.exclusive(lock)
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const [result, next] = yield* f(yield* load, now)
        yield* save(next)
        return result
      })
    )

  const modifyIssue = (op: string, id: string, f: (issue: Db.Issue, now: string) => Db.Issue) =>
    write(op, (db, now) =>
      find("issue", db.issues, id).pipe(
        Effect.map((issue) => {
          const updated = f(issue, now)
          return [updated, { ...db, issues: replace(db.issues, updated) }] as const
        })
      )
    )

  return Store.of({
    create: (input) =>
      write("create", (db, now) => {
        const issue: Db.Issue = {
          id: Db.nextIssueId(db),
          title: input.title,
          ...(input.description === undefined ? {} : { description: input.description }),
          issue_type: input.issue_type,
          priority: input.priority,
          status: "open",
          created_at: now,
          updated_at: now
        }
        return Effect.succeed([issue, { ...db, issues: [...db.issues, issue] }] as const)
      }),
    list: read("list", (db) => Effect.succeed(db.issues)),
    show: (id) => read("show", (db) => find("issue", db.issues, id)),
    update: (id, status) =>
      modifyIssue("update", id, (issue, now) => {
        const { closed_at: _, ...rest } = issue
        return status === "closed"
          ? { ...rest, status, updated_at: now, closed_at: issue.closed_at ?? now }
          : { ...rest, status, updated_at: now }
      }),
    close: (id) =>
      modifyIssue("close", id, (issue, now) => ({
        ...issue,
        status: "closed",
        updated_at: now,
        closed_at: issue.closed_at ?? now
      })),
    send: (input) =>
      write("mail_send", (db, now) => {
        const message: Db.Message = { id: Db.nextMessageId(db), ...input, sent_at: now }
        return Effect.succeed([message, { ...db, messages: [...db.messages, message] }] as const)
      }),
    read: (id) =>
      write("mail_read", (db, now) =>
        find("message", db.messages, id).pipe(
          Effect.map((message) => {
            const read: Db.Message = { ...message, read_at: message.read_at ?? now }
            return [read, { ...db, messages: replace(db.messages, read) }] as const
          })
        )
      ),
    inbox: (to) =>
      read("mail_list", (db) =>
        Effect.succeed(to === undefined ? db.messages : db.messages.filter((m) => m.to === to))
      ),
    compact: (summaries) =>
      write("compact", (db, now) => {
        const issues = db.issues.map((issue): Db.Issue => {
          const summary = summaries.get(issue.id)
          return summary === undefined ? issue : { ...issue, description: summary, compacted: true, updated_at: now }
        })
        return Effect.succeed([summaries.size, { ...db, issues }] as const)
      })
  })
})

/**
 * The store as a layer.
 */
export const layer = (
  options: Options
): Layer.Layer<Store, never, FileSystem.FileSystem | Path.Path | Telemetry.Telemetry> =>
  Layer.effect(Store, make(options))

/**
 * The store at `BD_DB` (default `.beads/beads.json` under the current directory), waiting
 * `BD_LOCK_TIMEOUT` (e.g. `250 millis`, default 1 second) per attempt for the lock.
 */
export const layerConfig: Layer.Layer<
  Store,
  Config.ConfigError,
  FileSystem.FileSystem | Path.Path | Telemetry.Telemetry
> = Layer.unwrap(
  Effect.gen(function* () {
    const path = yield* Path.Path
    const file = yield* Config.String("BD_DB").pipe(Config.withDefault(".beads/beads.json"))
    const lockTimeout = yield* Config.Duration("BD_LOCK_TIMEOUT").pipe(Config.withDefault(Duration.seconds(1)))
    return layer({ path: path.resolve(file), lockTimeout })
  })
)
