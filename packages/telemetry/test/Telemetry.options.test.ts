// From a configuration to the live layer's options: the resource, the labels, the budgets.
import { assert, describe, it } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Telemetry, type TelemetryConfig } from "@gastown-otel/telemetry"
import { Duration } from "effect"
import * as os from "node:os"

const config: TelemetryConfig.On = {
  _tag: "On",
  program: "gt",
  metricsUrl: "http://vm:8428/opentelemetry/api/v1/push",
  logsUrl: "http://vl:9428/insert/opentelemetry/v1/logs",
  configured: { metrics: true, logs: true },
  headers: { metrics: {}, logs: {}, traces: {} },
  timeoutMs: 10_000,
  serviceName: Resource.serviceNames.gt,
  resourceAttributes: [["deployment.environment", "dev"]],
  context: { "gt.rig": "mol" },
  bdOutput: false,
  bdContentLimit: 512,
  strict: false,
  stateDir: "/tmp/state",
  flushTimeoutMs: 200
}

describe("Telemetry.optionsFromConfig", () => {
  it("a CLI: service.name gastown, host and version, the user's attributes, exports at exit only", () => {
    const options = Telemetry.optionsFromConfig(config, { version: "1.2.3" })
    assert.deepStrictEqual(options.resource, {
      "deployment.environment": "dev",
      [Resource.keys.serviceName]: Resource.serviceNames.gt,
      [Resource.keys.serviceVersion]: "1.2.3",
      [Resource.keys.hostName]: os.hostname()
    })
    assert.isUndefined(options.exportInterval)
    assert.deepStrictEqual(options.labels, { "gt.rig": "mol" })
    assert.deepStrictEqual(options.derive, { includeContent: false, contentLimitBytes: 512 })
    assert.strictEqual(options.shutdownTimeout, 200)
  })

  it("a long-running gt: service.name gastown-daemon and a periodic export", () => {
    const options = Telemetry.optionsFromConfig(config, { version: "1.2.3", daemon: true })
    assert.strictEqual(options.resource[Resource.keys.serviceName], Resource.serviceNames.daemon)
    assert.isAbove(Duration.toMillis(options.exportInterval!), 0)
  })

  it("a daemon keeps a service name the user chose", () => {
    const options = Telemetry.optionsFromConfig({ ...config, serviceName: "my-town" }, { version: "1", daemon: true })
    assert.strictEqual(options.resource[Resource.keys.serviceName], "my-town")
  })
})
