/**
 * Fresh directories for one test, removed when its scope closes.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/**
 * A new empty directory under the system temp dir, deleted with everything in it when the
 * scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (prefix = "gastown-otel-"): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )
