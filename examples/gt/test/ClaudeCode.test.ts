// Claude Code sessions (docs/contract.md) with the real Claude Code CLI as the session program: it runs here without a
// network or a valid key and still exports its start-up telemetry to the endpoints gt
// hands it. Everything stays on this machine: the model API is a closed local port,
// non-essential traffic is off, and the session is stopped once its telemetry arrived.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { createRequire } from "node:module"
import * as path from "node:path"
import { attributesOf, decodeMetrics } from "@gastown-otel/testkit/OtlpDecode"

// The platform package ships the binary (npm installs the one for this platform).
const claudeBin = (): string => {
  const name = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)), "claude")
  } catch {
    throw new Error(`${name} is not installed: it ships Claude Code's binary for this platform (npm ci installs it)`)
  }
}

const DELTA = 1

const claudeResources = (server: CaptureServer.CaptureServer) =>
  server.requests
    .filter((r) => r.path === new URL(Cli.telemetryAt("gt", server.url).GT_OTEL_METRICS_URL!).pathname)
    .flatMap((r) => decodeMetrics(r.body).resourceMetrics)
    .filter((rm) => String(attributesOf(rm.resource?.attributes ?? [])["service.name"]).startsWith("claude"))

describe("gt session start with the real Claude Code CLI", () => {
  it.live(
    "its own telemetry reaches the receiver carrying the gt.* labels",
    () =>
      Effect.gen(function* () {
        const { dir, env } = yield* Cli.sandbox
        const server = yield* CaptureServer.start()
        const modelApi = yield* CaptureServer.start()
        yield* CaptureServer.stop(modelApi)
        const session = yield* Effect.forkChild(
          Cli.run("gt", ["session", "start", "--role", "mol/polecats/jana", "--session", "s-1", "--prompt", "hello"], {
            ...env,
            ...Cli.telemetryAt("gt", server.url),
            GT_RIG: "mol",
            GT_ROLE: "mol/polecats/jana",
            GT_POLECAT: "jana",
            GT_CLAUDE_BIN: claudeBin(),
            HOME: dir,
            ANTHROPIC_BASE_URL: modelApi.url,
            ANTHROPIC_API_KEY: "sk-ant-not-a-real-key",
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
          })
        )
        const deadline = Date.now() + 30_000
        while (claudeResources(server).length === 0 && Date.now() < deadline) yield* Effect.sleep(250)
        yield* Fiber.interrupt(session)
        // gt was stopped (SIGTERM) while its session ran: it still reports and flushes.
        const sessionStart = () =>
          Received.logs(server).find((l) => l.body === "session.start" && l.service === "gastown")
        const flushed = Date.now() + 10_000
        while (sessionStart() === undefined && Date.now() < flushed) yield* Effect.sleep(100)

        const resources = claudeResources(server)
        assert.isAbove(resources.length, 0, "Claude Code exported metrics to gt's endpoint")
        const resource = attributesOf(resources[0]!.resource!.attributes)
        assert.include(resource, { "gt.rig": "mol", "gt.role": "mol/polecats/jana", "gt.agent": "jana" })
        const metrics = resources.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))
        const sessions = metrics.find((m) => m.name === "claude_code.session.count")
        assert.isDefined(sessions, `metrics: ${metrics.map((m) => m.name).join(", ")}`)
        assert.strictEqual(sessions!.sum?.aggregationTemporality, DELTA, "Claude Code exports deltas")
        assert.isDefined(sessionStart(), "gt's own session.start arrived too")
      }),
    60_000
  )
})
