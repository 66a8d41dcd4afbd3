// From a configuration to the live layer's options: the resource, the labels, the budgets.
import { assert, describe, it } from "@effect/vitest"
import { Resource } from "@gastown-otel/schema"
import { Telemetry, TelemetryConfig } from "@gastown-otel/telemetry"
import { Duration } from "effect"
import * as os from "node:os"
import { on } from "./support/Config.ts"

const config = on({
  resourceAttributes: [["deployment.environment", "dev"]],
  labels: { "gt.rig": "mol" },
  bdOutput: false,
  bdContentLimit: 512,
  stateDir: "/tmp/state"
})

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
    assert.strictEqual(options.shutdownTimeout, TelemetryConfig.defaultFlushTimeoutMs)
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
