/**
 * The docker compose document of the local stack (docs/contract.md#the-local-stack): VictoriaMetrics, VictoriaLogs and
 * Grafana, on 127.0.0.1 only, with pinned images, named volumes and healthchecks.
 *
 * @since 0.1.0
 */
import * as Grafana from "./Grafana.ts"
import { Endpoints, Naming } from "@gastown-otel/schema"
import type * as Document from "./Document.ts"

/**
 * The pinned images. VictoriaMetrics must be v1.132 or later: from then on it stores the delta
 * points Claude Code sends (docs/contract.md#claude-code-sessions) as they are.
 *
 * @since 0.1.0
 * @category compose
 */
export const images = {
  victoriametrics: "victoriametrics/victoria-metrics:v1.150.0",
  victorialogs: "victoriametrics/victoria-logs:v1.53.0",
  grafana: "grafana/grafana:12.4.2"
} as const

/**
 * The host ports, bound to 127.0.0.1 (docs/contract.md#the-local-stack).
 *
 * @since 0.1.0
 * @category compose
 */
export const ports = {
  victoriametrics: Endpoints.ports.metrics,
  victorialogs: Endpoints.ports.logs,
  grafana: 9429
} as const

/**
 * The compose service names; inside the compose network they are also the host names.
 *
 * @since 0.1.0
 * @category models
 */
export type Service = keyof typeof images

// VictoriaMetrics and VictoriaLogs listen on their usual ports inside the network too.
export const containerPorts: { readonly [S in Service]: number } = {
  victoriametrics: Endpoints.ports.metrics,
  victorialogs: Endpoints.ports.logs,
  grafana: 3000
}

/**
 * How long the stack keeps data.
 *
 * @since 0.1.0
 * @category compose
 */
export const retention = "30d"

/**
 * The VictoriaMetrics command line: the naming flags the catalogue's names depend on, then
 * storage and query settings.
 *
 * @since 0.1.0
 * @category compose
 */
export const victoriaMetricsArgs: ReadonlyArray<string> = [
  ...Naming.victoriaMetricsFlags,
  "-storageDataPath=/storage",
  `-retentionPeriod=${retention}`,
  `-httpListenAddr=:${containerPorts.victoriametrics}`,
  // Every gt/bd command pushes once, at exit: show its points within seconds instead of the
  // default 30 s, at the price of a possibly incomplete last point.
  "-search.latencyOffset=5s"
]

/**
 * The VictoriaLogs command line.
 *
 * @since 0.1.0
 * @category compose
 */
export const victoriaLogsArgs: ReadonlyArray<string> = [
  "-storageDataPath=/victoria-logs-data",
  `-retentionPeriod=${retention}`,
  `-httpListenAddr=:${containerPorts.victorialogs}`
]

/**
 * Where the repository's Grafana files are, relative to the compose file, and where Grafana
 * reads them.
 *
 * @since 0.1.0
 * @category compose
 */
export const grafanaMounts = {
  provisioning: { host: "./grafana/provisioning", container: "/etc/grafana/provisioning" },
  dashboards: { host: "./grafana/dashboards", container: Grafana.dashboardsPath }
} as const

const published = (service: Service) => `127.0.0.1:${ports[service]}:${containerPorts[service]}`

// The images are Alpine-based: busybox wget is there, curl is not (Grafana has both).
const wgetCheck = (url: string): Document.Value => ({
  test: ["CMD", "wget", "-q", "-O", "/dev/null", url],
  interval: "10s",
  timeout: "3s",
  retries: 6,
  start_period: "10s"
})

const healthy = { condition: "service_healthy" }

/**
 * The compose document.
 *
 * @since 0.1.0
 * @category compose
 */
export const document = (): { readonly [key: string]: Document.Value } => ({
  name: "gastown-otel",
  services: {
    victoriametrics: {
      image: images.victoriametrics,
      command: [...victoriaMetricsArgs],
      ports: [published("victoriametrics")],
      volumes: ["victoriametrics-data:/storage"],
      healthcheck: wgetCheck(`http://127.0.0.1:${containerPorts.victoriametrics}/health`),
      restart: "unless-stopped"
    },
    victorialogs: {
      image: images.victorialogs,
      command: [...victoriaLogsArgs],
      ports: [published("victorialogs")],
      volumes: ["victorialogs-data:/victoria-logs-data"],
      healthcheck: wgetCheck(`http://127.0.0.1:${containerPorts.victorialogs}/health`),
      restart: "unless-stopped"
    },
    grafana: {
      image: images.grafana,
      environment: {
        GF_SECURITY_ADMIN_USER: "admin",
        // Read when Grafana first creates its database: after a change, `docker compose down -v`.
        GF_SECURITY_ADMIN_PASSWORD: "${GRAFANA_ADMIN_PASSWORD:-admin}",
        GF_USERS_ALLOW_SIGN_UP: "false",
        // Installed before Grafana serves, so the provisioned VictoriaLogs datasource works from the start.
        GF_PLUGINS_PREINSTALL_SYNC: Grafana.logsPlugin.id,
        GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: Grafana.homeDashboardPath,
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false"
      },
      ports: [published("grafana")],
      volumes: [
        "grafana-data:/var/lib/grafana",
        `${grafanaMounts.provisioning.host}:${grafanaMounts.provisioning.container}:ro`,
        `${grafanaMounts.dashboards.host}:${grafanaMounts.dashboards.container}:ro`
      ],
      depends_on: { victoriametrics: healthy, victorialogs: healthy },
      healthcheck: {
        test: [
          "CMD-SHELL",
          `wget -q -O /dev/null http://127.0.0.1:${containerPorts.grafana}/api/health || curl -fsS -o /dev/null http://127.0.0.1:${containerPorts.grafana}/api/health`
        ],
        interval: "10s",
        timeout: "3s",
        retries: 6,
        // The plugin is downloaded on first start.
        start_period: "60s"
      },
      restart: "unless-stopped"
    }
  },
  volumes: { "victoriametrics-data": {}, "victorialogs-data": {}, "grafana-data": {} }
})
