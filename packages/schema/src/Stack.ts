/**
 * Every generated file of the local stack (SPEC §7), as pure data: `scripts/gen.ts` writes them,
 * a test checks the checked-in copies are current.
 *
 * @since 0.1.0
 */
import * as Compose from "./Compose.ts"
import * as Dashboards from "./Dashboards.ts"
import * as Grafana from "./Grafana.ts"
import * as Json from "./Json.ts"
import * as Yaml from "./Yaml.ts"

/**
 * One generated file: its path from the repository root and its content.
 *
 * @since 0.1.0
 */
export interface File {
  readonly path: string
  readonly content: string
}

/**
 * The comment heading every generated YAML file.
 *
 * @since 0.1.0
 */
export const yamlHeader: ReadonlyArray<string> = [
  "Generated from packages/schema (src/Stack.ts) by `npm run gen`: do not edit, changes are overwritten.",
  "Every scalar is written in JSON syntax, so YAML 1.1 and 1.2 readers agree on every value."
]

/**
 * The compose file's path.
 *
 * @since 0.1.0
 */
export const composePath = "docker-compose.yml"

/**
 * Every generated file, in a stable order.
 *
 * @since 0.1.0
 */
export const files = (): ReadonlyArray<File> => [
  {
    path: composePath,
    content: Yaml.stringify(Compose.document(), [
      ...yamlHeader,
      "",
      "The local stack: `docker compose up -d`, `docker compose down` (`down -v` also deletes the data).",
      `VictoriaMetrics http://localhost:${Compose.ports.victoriametrics}, VictoriaLogs http://localhost:${Compose.ports.victorialogs}, Grafana http://localhost:${Compose.ports.grafana}.`
    ])
  },
  {
    path: `${Compose.grafanaMounts.provisioning.host.replace(/^\.\//, "")}/datasources/datasources.yml`,
    content: Yaml.stringify(Grafana.datasources(), yamlHeader)
  },
  {
    path: `${Compose.grafanaMounts.provisioning.host.replace(/^\.\//, "")}/dashboards/dashboards.yml`,
    content: Yaml.stringify(Grafana.dashboardProvider(), yamlHeader)
  },
  ...Dashboards.all().map((d) => ({
    path: `${Compose.grafanaMounts.dashboards.host.replace(/^\.\//, "")}/${Grafana.dashboardFile(d.uid)}`,
    content: Json.stringify(d)
  }))
]
