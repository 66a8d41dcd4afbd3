import { assert, describe, it } from "@effect/vitest"
import { Compose } from "@gastown-otel/stack"
import { Ports, SystemTool } from "@gastown-otel/testkit"
import { Effect } from "effect"
import { execFile, spawnSync } from "node:child_process"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { promisify } from "node:util"
import { read, root } from "./support/Generated.ts"

describe("setup.sh", () => {
  const run = promisify(execFile)
  const exported = [
    "GT_OTEL_METRICS_URL",
    "GT_OTEL_LOGS_URL",
    "BD_OTEL_METRICS_URL",
    "BD_OTEL_LOGS_URL",
    "CLAUDE_CODE_ENABLE_TELEMETRY",
    "OTEL_METRICS_EXPORTER",
    "OTEL_METRIC_EXPORT_INTERVAL",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_LOGS_EXPORTER",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"
  ]

  // Sources setup.sh in `shell` under `set -eu` with only `env` set, then prints the environment.
  const source = async (shell: string, env: Record<string, string>) => {
    const { stdout } = await run(
      SystemTool.require(shell),
      ["-c", "set -eu; source ./setup.sh; echo '-- sourced'; env"],
      {
        cwd: root,
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: "/nonexistent", ...env },
        timeout: 20_000
      }
    )
    const [report = "", environment = ""] = stdout.split("-- sourced\n")
    const vars = Object.fromEntries(
      environment
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
    )
    return { report, vars }
  }

  it("is valid bash", () => {
    const check = spawnSync("bash", ["-n", "setup.sh"], { cwd: root, encoding: "utf8" })
    assert.strictEqual(check.status, 0, check.stderr)
  })

  for (const shell of ["bash", "zsh"]) {
    it(`${shell}: exports the stack's endpoints and Claude Code's variables`, async () => {
      const { vars } = await source(shell, {})
      for (const name of exported) assert.isDefined(vars[name], name)
      assert.strictEqual(vars["GT_OTEL_METRICS_URL"], "http://localhost:8428/opentelemetry/api/v1/push")
      assert.strictEqual(vars["GT_OTEL_LOGS_URL"], "http://localhost:9428/insert/opentelemetry/v1/logs")
      assert.strictEqual(vars["BD_OTEL_METRICS_URL"], vars["GT_OTEL_METRICS_URL"])
      assert.strictEqual(vars["BD_OTEL_LOGS_URL"], vars["GT_OTEL_LOGS_URL"])
      assert.strictEqual(vars["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"], vars["GT_OTEL_METRICS_URL"])
      assert.strictEqual(vars["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"], vars["GT_OTEL_LOGS_URL"])
      assert.strictEqual(vars["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"], "http/protobuf")
      // Prompt and tool content stay opt-in (docs/contract.md#claude-code-sessions).
      assert.isUndefined(vars["OTEL_LOG_USER_PROMPTS"])
      assert.isUndefined(vars["OTEL_LOG_TOOL_CONTENT"])
      // Nothing of its own is left in the shell.
      assert.isFalse(Object.keys(vars).some((k) => k.startsWith("__gastown")))
    })

    it(`${shell}: keeps values already set and reports a stack that does not answer`, async () => {
      const port = await Effect.runPromise(Ports.free)
      const metrics = `http://127.0.0.1:${port}/opentelemetry/api/v1/push`
      const logs = `http://127.0.0.1:${port}/insert/opentelemetry/v1/logs`
      const { report, vars } = await source(shell, { GT_OTEL_METRICS_URL: metrics, GT_OTEL_LOGS_URL: logs })
      assert.strictEqual(vars["GT_OTEL_METRICS_URL"], metrics)
      assert.strictEqual(vars["BD_OTEL_LOGS_URL"], logs)
      assert.include(report, `VictoriaMetrics http://127.0.0.1:${port} does not answer`)
      assert.include(report, `VictoriaLogs http://127.0.0.1:${port} does not answer`)
      assert.include(report, "the stack does not answer")
    })

    it(`${shell}: reports a stack that answers /health`, async () => {
      const server: Server = createServer((request, response) => {
        response.writeHead(request.url === "/health" ? 200 : 404).end("OK")
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      try {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        const { report } = await source(shell, {
          GT_OTEL_METRICS_URL: `${base}/opentelemetry/api/v1/push`,
          GT_OTEL_LOGS_URL: `${base}/insert/opentelemetry/v1/logs`
        })
        assert.include(report, `VictoriaMetrics ${base} answers`)
        assert.include(report, "the stack answers")
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
    })
  }

  it("warns when run instead of sourced", () => {
    const ran = spawnSync("bash", ["setup.sh"], { cwd: root, encoding: "utf8", env: { PATH: process.env["PATH"] } })
    assert.include(ran.stderr, "source setup.sh")
  })
})

describe("README", () => {
  const readme = read("README.md")

  it("documents the stack: compose commands, ports, login, setup.sh", () => {
    for (const text of [
      "docker compose up -d",
      "docker compose down -v",
      "source setup.sh",
      "admin",
      "-usePromCompatibleNaming"
    ]) {
      assert.include(readme, text)
    }
    for (const port of Object.values(Compose.ports)) assert.include(readme, `${port}`)
  })
})
