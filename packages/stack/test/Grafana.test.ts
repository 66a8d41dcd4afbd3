import { assert, describe, it } from "@effect/vitest"
import { Endpoints } from "@gastown-otel/schema"
import { Files, Grafana } from "@gastown-otel/stack"
import { existsSync } from "node:fs"
import { type Doc, readYaml, root, services } from "./support/Generated.ts"

describe("Grafana provisioning", () => {
  const datasources: ReadonlyArray<Doc> = readYaml("grafana/provisioning/datasources/datasources.yml")["datasources"]

  it("provisions VictoriaMetrics and VictoriaLogs under the uids victoriametrics and victorialogs", () => {
    assert.deepStrictEqual(
      datasources.map((d) => [d["uid"], d["type"]]),
      [
        ["victoriametrics", "prometheus"],
        ["victorialogs", "victoriametrics-logs-datasource"]
      ]
    )
  })

  it("points each datasource at its compose service and container port", () => {
    for (const d of datasources) {
      const url = new URL(d["url"])
      const service = services[url.hostname]
      assert.isDefined(service, d["url"])
      assert.strictEqual((service.ports[0] as string).split(":")[2], url.port, d["url"])
    }
  })

  it("loads the dashboards from where compose mounts them", () => {
    const provider = readYaml("grafana/provisioning/dashboards/dashboards.yml")["providers"][0]
    const mount = (services["grafana"].volumes as ReadonlyArray<string>).find((v) =>
      v.startsWith("./grafana/dashboards:")
    )
    assert.strictEqual(mount?.split(":")[1], provider.options.path)
    const home: string = services["grafana"].environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH
    assert.isTrue(home.startsWith(`${provider.options.path}/`))
    assert.isTrue(existsSync(new URL(`grafana/dashboards/${home.split("/").at(-1)}`, root)), home)
  })

  it("offers the same datasources, same uids, to a Grafana pointed at the embedded receiver", () => {
    const receiver: ReadonlyArray<Doc> = readYaml(Files.receiverDatasourcesPath)["datasources"]
    assert.deepStrictEqual(
      receiver.map((d) => [d["uid"], d["type"], d["url"]]),
      datasources.map((d, i) => [d["uid"], d["type"], [Grafana.receiverStores.metrics, Grafana.receiverStores.logs][i]])
    )
    assert.deepStrictEqual(
      receiver.map((d) => new URL(d["url"]).port),
      [String(Endpoints.ports.metrics), String(Endpoints.ports.logs)]
    )
  })
})
