// What the page tests read inside the browser. Each function is sent to the page as source
// text (Playwright's page.evaluate), so it uses nothing from outside its own body.

/** A chart's drawn series and points (as given to uPlot), and the coloured pixels on its canvas. */
export const chart = (title: string): { series: number; points: number; coloured: number } => {
  const el = document.querySelector<HTMLElement>(`.panel[data-title="${title}"] .chart`)
  const canvas = el?.querySelector("canvas")
  if (el == null || canvas == null) return { series: -1, points: -1, coloured: 0 }
  const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data
  let coloured = 0
  // Axes, grid and text are grey; series are drawn in colour.
  for (let i = 0; i < pixels.length; i += 4) {
    const r = pixels[i]!
    const g = pixels[i + 1]!
    const b = pixels[i + 2]!
    if (pixels[i + 3]! > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
  }
  return { series: Number(el.dataset["series"]), points: Number(el.dataset["points"]), coloured }
}

/** The records the live tail shows. */
export const tailRecords = (): number =>
  Number(document.querySelector<HTMLElement>(".tail-list")?.dataset["records"] ?? "0")

/** The waterfall's rows: service, depth and span id. */
export const spanRows = (): Array<{ service: string; depth: number; span: string }> =>
  [...document.querySelectorAll<HTMLElement>(".waterfall .span-row")].map((e) => ({
    service: e.dataset["service"] ?? "",
    depth: Number(e.dataset["depth"]),
    span: e.dataset["span"] ?? ""
  }))

/** The agents table: per agent, its bd calls and bd errors. */
export const agents = (): Array<{ agent: string; bdCalls: number; bdErrors: number }> =>
  [...document.querySelectorAll(".agents-table tbody tr")].map((tr) => ({
    agent: tr.querySelector('[data-label="agent"]')?.textContent ?? "",
    bdCalls: Number(tr.querySelector('[data-col="bdCalls"]')?.textContent),
    bdErrors: Number(tr.querySelector('[data-col="bdErrors"]')?.textContent)
  }))
