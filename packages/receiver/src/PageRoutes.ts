/**
 * The receiver's page on the metrics port: `GET /` draws the Grafana dashboards (the same
 * panel list, `@gastown-otel/stack/Panels`), an agents view, a trace waterfall and a live
 * tail, over the receiver's own query APIs. No CDN: the script (uPlot included) is bundled
 * at the first request and served from here.
 *
 * | path | answers |
 * | --- | --- |
 * | `GET /` | the page |
 * | `GET /page/app.js`, `GET /page/app.css` | its script and style |
 * | `GET /api/gastown/dashboards` | the panel list and the variables, as JSON |
 *
 * @since 0.1.0
 */
import * as Panels from "@gastown-otel/stack/Panels"
import * as Queries from "@gastown-otel/stack/Queries"
import { Effect } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import * as PageBundle from "./internal/PageBundle.ts"
import type * as Api from "./page/Api.ts"
import type * as Server from "./Server.ts"

/**
 * The panel list and variables the page draws, as served.
 *
 * @since 0.1.0
 * @category page
 */
export const dashboards: Api.Dashboards = {
  dashboards: Panels.dashboards,
  variables: Queries.variables,
  allValue: Queries.allValue,
  logsFilter: Queries.logsFilter
}

/**
 * The page's HTML: a shell the script fills.
 *
 * @since 0.1.0
 * @category page
 */
export const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gas Town</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page/app.css">
</head>
<body>
<noscript>This page needs JavaScript.</noscript>
<script src="/page/app.js"></script>
</body>
</html>
`

const bundle = Effect.runSync(Effect.cached(Effect.promise(PageBundle.build)))

const noStore = { "cache-control": "no-store" }

/**
 * The routes, for the metrics port.
 *
 * @since 0.1.0
 * @category routes
 */
export const routes: Server.Routes = {
  metrics: [
    HttpRouter.route("GET", "/", HttpServerResponse.html(html)),
    HttpRouter.route(
      "GET",
      "/page/app.js",
      Effect.map(bundle, (b) =>
        HttpServerResponse.text(b.js, { contentType: "text/javascript; charset=utf-8", headers: noStore })
      )
    ),
    HttpRouter.route(
      "GET",
      "/page/app.css",
      Effect.map(bundle, (b) =>
        HttpServerResponse.text(b.css, { contentType: "text/css; charset=utf-8", headers: noStore })
      )
    ),
    HttpRouter.route("GET", "/api/gastown/dashboards", HttpServerResponse.json(dashboards).pipe(Effect.orDie))
  ]
}
