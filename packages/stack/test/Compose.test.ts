import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@gastown-otel/schema"
import { Document, Grafana } from "@gastown-otel/stack"
import { SystemTool } from "@gastown-otel/testkit"
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { compose, root, services } from "./support/Generated.ts"

describe("docker-compose.yml", () => {
  it("runs VictoriaMetrics, VictoriaLogs and Grafana", () => {
    assert.deepStrictEqual(Object.keys(services).toSorted(), ["grafana", "victorialogs", "victoriametrics"])
  })

  it("pins every image to an exact version", () => {
    for (const [name, service] of Object.entries(services)) {
      assert.match(service.image, /^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/, name)
      assert.notInclude(service.image, "latest", name)
    }
    // Delta points (Claude Code) are stored as they are from VictoriaMetrics v1.132 on.
    const [, minor] = /:v1\.(\d+)\.\d+$/.exec(services["victoriametrics"].image) ?? []
    assert.isAtLeast(Number(minor), 132)
  })

  it("publishes 8428, 9428 and 9429 on 127.0.0.1 only", () => {
    const published = Object.fromEntries(
      Object.entries(services).map(([name, service]) => {
        assert.lengthOf(service.ports, 1, name)
        const [host, port, target] = (service.ports[0] as string).split(":")
        assert.strictEqual(host, "127.0.0.1", name)
        return [name, [Number(port), Number(target)]]
      })
    )
    assert.deepStrictEqual(published, {
      victoriametrics: [8428, 8428],
      victorialogs: [9428, 9428],
      grafana: [9429, 3000]
    })
  })

  it("runs VictoriaMetrics with -usePromCompatibleNaming, not -opentelemetry.usePrometheusNaming", () => {
    const args: ReadonlyArray<string> = services["victoriametrics"].command
    assert.include(args, "-usePromCompatibleNaming")
    for (const flag of Naming.victoriaMetricsFlags) assert.include(args, flag)
    for (const wrong of ["-opentelemetry.usePrometheusNaming", "-opentelemetry.convertMetricNamesToPrometheus"]) {
      assert.isFalse(
        args.some((a) => a.startsWith(wrong)),
        wrong
      )
    }
    // Deduplication would merge the delta samples of Claude Code.
    assert.isFalse(args.some((a) => a.startsWith("-dedup.minScrapeInterval")))
  })

  it("keeps data in named volumes and mounts the generated Grafana files read-only", () => {
    const declared = Object.keys(compose["volumes"])
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes as ReadonlyArray<string>) {
        const [source = ""] = volume.split(":")
        if (source.startsWith("./")) {
          assert.isTrue(existsSync(new URL(source, root)), volume)
          assert.isTrue(volume.endsWith(":ro"), volume)
        } else assert.include(declared, source, `${name}: ${volume}`)
      }
    }
  })

  it("checks every service's health; Grafana waits for both stores", () => {
    for (const [name, service] of Object.entries(services)) assert.isArray(service.healthcheck?.test, name)
    assert.deepStrictEqual(services["grafana"].depends_on, {
      victoriametrics: { condition: "service_healthy" },
      victorialogs: { condition: "service_healthy" }
    })
  })

  it("logs Grafana in as admin / admin unless GRAFANA_ADMIN_PASSWORD is set, with the VictoriaLogs plugin", () => {
    const env = services["grafana"].environment
    assert.strictEqual(env.GF_SECURITY_ADMIN_USER, "admin")
    assert.strictEqual(env.GF_SECURITY_ADMIN_PASSWORD, "${GRAFANA_ADMIN_PASSWORD:-admin}")
    assert.strictEqual(env.GF_PLUGINS_PREINSTALL_SYNC, Grafana.logsPlugin.id)
  })

  // Debian's docker-compose (1.29) checks the file against the compose schema with no engine
  // running. It predates the top-level `name` (which keeps volume names the same whatever the
  // clone's directory is called), so it checks everything else; `name` is checked above.
  it("is valid for docker compose itself", () => {
    const cli = SystemTool.require("docker-compose")
    const { name, ...rest } = compose
    assert.strictEqual(name, "gastown-otel")
    const run = spawnSync(cli, ["-f", "-", "config", "--quiet"], {
      cwd: root,
      input: Document.toYaml(rest),
      encoding: "utf8"
    })
    assert.strictEqual(run.status, 0, run.stderr)
    const broken = Document.toYaml({ ...rest, services: { ...rest["services"], grafana: { image: 1 } } })
    const refused = spawnSync(cli, ["-f", "-", "config", "--quiet"], { cwd: root, input: broken, encoding: "utf8" })
    assert.notStrictEqual(refused.status, 0, "a broken file is refused")
  }, 30_000)
})
