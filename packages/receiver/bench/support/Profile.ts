// CPU profiles of a `serve` process started with `--inspect`, taken through the inspector
// around one phase of the bench (start-up and reload left out), written as .cpuprofile files
// (Chrome DevTools opens them) and summarised: the heaviest functions by self time, and the
// receiver's own by total time.
import * as fs from "node:fs"
import * as path from "node:path"

// A minimal Chrome DevTools Protocol client: enough to start and stop the V8 profiler.
const devtools = async (url: string) => {
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve)
    socket.addEventListener("error", reject)
  })
  let id = 0
  const pending = new Map<number, (result: unknown) => void>()
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const send = <A = unknown>(method: string, params: object = {}) =>
    new Promise<A>((resolve) => {
      pending.set(++id, resolve as (result: unknown) => void)
      socket.send(JSON.stringify({ id, method, params }))
    })
  return { send, close: () => socket.close() }
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
}

const summarize = (profile: CpuProfile, top = 25): string => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|packages)\//, "")}:${n.callFrame.lineNumber + 1}`
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const sample of profile.samples) {
    const node = byId.get(sample)!
    self.set(label(node), (self.get(label(node)) ?? 0) + 1)
    const seen = new Set<string>()
    for (let at: number | undefined = sample; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!)
      if (!seen.has(l)) total.set(l, (total.get(l) ?? 0) + 1)
      seen.add(l)
    }
  }
  const n = profile.samples.length
  const list = (title: string, map: Map<string, number>, keep: (l: string) => boolean) => [
    title,
    ...[...map]
      .filter(([l]) => keep(l))
      .toSorted((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, c]) => `  ${((100 * c) / n).toFixed(1).padStart(5)}%  ${l}`)
  ]
  return [
    ...list("  self time:", self, () => true),
    ...list("  total time, receiver code:", total, (l) => l.includes("receiver/src"))
  ].join("\n")
}

/**
 * Runs `phase` with the process behind `inspector` profiled, writes `<dir>/<name>.cpuprofile`
 * and prints its summary on stderr.
 */
export const around = async <A>(inspector: string, dir: string, name: string, phase: () => Promise<A>) => {
  const client = await devtools(inspector)
  await client.send("Profiler.enable")
  await client.send("Profiler.setSamplingInterval", { interval: 200 })
  await client.send("Profiler.start")
  const result = await phase()
  const { profile } = await client.send<{ profile: CpuProfile }>("Profiler.stop")
  client.close()
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.cpuprofile`)
  fs.writeFileSync(file, JSON.stringify(profile))
  process.stderr.write(`profile ${file}:\n${summarize(profile)}\n`)
  return result
}
