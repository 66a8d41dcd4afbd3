// Debian's Chromium driven by playwright-core, for tests of the receiver's page. The test
// set-up installs the package when it is missing (scripts/system-packages.sh, as root) and
// fails with its message otherwise. The machine has no network: Chromium starts with
// everything that would reach out turned off, in a fresh profile removed with the scope.
import { TempDir } from "@gastown-otel/testkit"
import { Effect, type Scope } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { type BrowserContext, chromium } from "playwright-core"

export const executable = "/usr/bin/chromium"

const installer = fileURLToPath(new URL("../../../../scripts/system-packages.sh", import.meta.url))

export const flags: ReadonlyArray<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

// Installs Chromium when it is missing; throws with the installer's own words when it cannot.
export const ensureChromium = (): string => {
  if (fs.existsSync(executable)) return executable
  const ran = spawnSync("bash", [installer, "chromium"], { encoding: "utf8" })
  if (ran.status !== 0 || !fs.existsSync(executable)) {
    throw new Error(
      `the page tests need Debian's chromium at ${executable}, and installing it failed: ${(ran.stderr || ran.stdout).trim()}`
    )
  }
  return executable
}

// A browser context in a fresh profile (Playwright takes the profile directory itself, in
// place of a --user-data-dir flag), closed when the scope ends.
export const launch: Effect.Effect<BrowserContext, never, Scope.Scope> = Effect.gen(function* () {
  const executablePath = ensureChromium()
  const profile = yield* TempDir.make("receiver-page-profile-")
  return yield* Effect.acquireRelease(
    Effect.promise(() =>
      chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        args: [...flags],
        viewport: { width: 1400, height: 1000 }
      })
    ),
    (context) => Effect.promise(() => context.close())
  )
})
