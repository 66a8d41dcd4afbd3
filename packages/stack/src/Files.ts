/**
 * Every generated file of the local stack (docs/contract.md#the-local-stack): `npm run gen`
 * writes them, a test checks the checked-in copies are current.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Compose from "./Compose.ts"
import * as Dashboards from "./Dashboards.ts"
import * as Document from "./Document.ts"
import * as Grafana from "./Grafana.ts"

/**
 * One generated file: its path from the repository root and its content.
 *
 * @since 0.1.0
 * @category models
 */
export interface File {
  readonly path: string
  readonly content: string
}

/**
 * The comment heading every generated YAML file.
 *
 * @since 0.1.0
 * @category files
 */
export const yamlHeader: ReadonlyArray<string> = [
  "Generated from the catalogue (packages/schema) by packages/stack and `npm run gen`: do not edit, changes are overwritten."
]

/**
 * The compose file's path.
 *
 * @since 0.1.0
 * @category files
 */
export const composePath = "docker-compose.yml"

const repositoryPath = (hostPath: string) => hostPath.replace(/^\.\//, "")

/**
 * The datasources provisioning file for a Grafana pointed at the embedded receiver.
 *
 * @since 0.1.0
 * @category files
 */
export const receiverDatasourcesPath = "grafana/receiver/datasources.yml"

/**
 * Every generated file, in a stable order.
 *
 * @since 0.1.0
 * @category files
 */
export const files: Effect.Effect<ReadonlyArray<File>> = Effect.gen(function* () {
  const dashboards = yield* Effect.forEach(Dashboards.all(), (d) =>
    Effect.map(Document.toJson(d), (content) => ({
      path: `${repositoryPath(Compose.grafanaMounts.dashboards.host)}/${Grafana.dashboardFile(d.uid)}`,
      content
    }))
  )
  return [
    {
      path: composePath,
      content: Document.toYaml(Compose.document(), [
        ...yamlHeader,
        "The local stack: `docker compose up -d`, `docker compose down` (`down -v` also deletes the data).",
        `VictoriaMetrics http://localhost:${Compose.ports.victoriametrics}, VictoriaLogs http://localhost:${Compose.ports.victorialogs}, Grafana http://localhost:${Compose.ports.grafana}.`
      ])
    },
    {
      path: `${repositoryPath(Compose.grafanaMounts.provisioning.host)}/datasources/datasources.yml`,
      content: Document.toYaml(Grafana.datasources(), yamlHeader)
    },
    {
      path: receiverDatasourcesPath,
      content: Document.toYaml(Grafana.datasources(Grafana.receiverStores), [
        ...yamlHeader,
        "The same datasources for a Grafana of your own on this host, pointed at `gastown-otel serve`:",
        "copy this file into its provisioning/datasources folder."
      ])
    },
    {
      path: `${repositoryPath(Compose.grafanaMounts.provisioning.host)}/dashboards/dashboards.yml`,
      content: Document.toYaml(Grafana.dashboardProvider(), yamlHeader)
    },
    ...dashboards
  ]
})
