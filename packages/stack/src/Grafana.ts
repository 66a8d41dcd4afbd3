/**
 * Grafana's provisioning for the stack: the two datasources and the dashboard provider.
 *
 * @since 0.1.0
 */
import { Endpoints } from "@gastown-otel/schema"
import type * as Document from "./Document.ts"

/**
 * The VictoriaLogs datasource plugin, installed from Grafana's catalog on first start. Not
 * pinned to a version: the catalog publishes a plugin version some time after its GitHub
 * release, and a synchronous install of a version not (yet) there stops Grafana from starting.
 * Grafana installs the newest version compatible with the pinned Grafana, once: it is kept in
 * the data volume.
 *
 * @since 0.1.0
 * @category grafana
 */
export const logsPlugin = { id: "victoriametrics-logs-datasource" } as const

/**
 * A datasource reference as panels and targets carry it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DatasourceRef {
  readonly type: string
  readonly uid: string
}

/**
 * VictoriaMetrics, through Grafana's built-in Prometheus datasource: it speaks the Prometheus
 * query API, and the panels' queries are plain PromQL.
 *
 * @since 0.1.0
 * @category grafana
 */
export const metricsDatasource: DatasourceRef = { type: "prometheus", uid: "victoriametrics" }

/**
 * VictoriaLogs, through its plugin; queries are LogsQL.
 *
 * @since 0.1.0
 * @category grafana
 */
export const logsDatasource: DatasourceRef = { type: logsPlugin.id, uid: "victorialogs" }

/**
 * Where Grafana reads the generated dashboards inside its container.
 *
 * @since 0.1.0
 * @category grafana
 */
export const dashboardsPath = "/etc/grafana/dashboards"

/**
 * The file name of a dashboard, by its uid.
 *
 * @since 0.1.0
 * @category grafana
 */
export const dashboardFile = (uid: string): string => `${uid}.json`

/**
 * The dashboard Grafana opens on its home page.
 *
 * @since 0.1.0
 * @category grafana
 */
export const homeDashboardPath = `${dashboardsPath}/${dashboardFile("gastown")}`

/**
 * Where the two stores answer, as Grafana reaches them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stores {
  readonly metrics: string
  readonly logs: string
}

/**
 * The compose stack's stores, by their service names inside the compose network.
 *
 * @since 0.1.0
 * @category grafana
 */
export const composeStores: Stores = {
  metrics: `http://victoriametrics:${Endpoints.ports.metrics}`,
  logs: `http://victorialogs:${Endpoints.ports.logs}`
}

/**
 * The embedded receiver (`gastown-otel serve`) on its default ports, for a Grafana running on
 * the same host: the same datasource uids, so the same dashboards work against it.
 *
 * @since 0.1.0
 * @category grafana
 */
export const receiverStores: Stores = {
  metrics: `http://127.0.0.1:${Endpoints.ports.metrics}`,
  logs: `http://127.0.0.1:${Endpoints.ports.logs}`
}

/**
 * The datasources provisioning document for the stores at `stores`.
 *
 * @since 0.1.0
 * @category grafana
 */
export const datasources = (stores: Stores = composeStores): { readonly [key: string]: Document.Value } => ({
  apiVersion: 1,
  datasources: [
    {
      name: "VictoriaMetrics",
      uid: metricsDatasource.uid,
      type: metricsDatasource.type,
      access: "proxy",
      url: stores.metrics,
      isDefault: true,
      editable: false,
      // Tells Grafana's Prometheus client which APIs it may use (VictoriaMetrics' own choice).
      jsonData: { prometheusType: "Prometheus", prometheusVersion: "2.24.0" }
    },
    {
      name: "VictoriaLogs",
      uid: logsDatasource.uid,
      type: logsDatasource.type,
      access: "proxy",
      url: stores.logs,
      editable: false,
      jsonData: { maxLines: 1000 }
    }
  ]
})

/**
 * The dashboard provider document: Grafana loads every JSON file under {@link dashboardsPath}.
 *
 * @since 0.1.0
 * @category grafana
 */
export const dashboardProvider = (): { readonly [key: string]: Document.Value } => ({
  apiVersion: 1,
  providers: [
    {
      name: "gastown-otel",
      orgId: 1,
      folder: "Gas Town",
      type: "file",
      // Generated files: edits in the UI would be lost on the next `npm run gen` anyway.
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 30,
      options: { path: dashboardsPath, foldersFromFilesStructure: false }
    }
  ]
})
