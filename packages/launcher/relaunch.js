// The slow path of launch.js, loaded only on a Node older than the CLIs need: the same
// command again on the checkout's pinned Node, or a message naming the Node it needs.
import { spawn } from "node:child_process"
import { existsSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

// scripts/with-node.sh installs the npm package node-<platform>-<arch>: Node's own names.
const pinnedIn = (dir) => join(dir, ".tools", "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node")

const findPinned = () => {
  let dir = dirname(realpathSync(fileURLToPath(import.meta.url)))
  for (;;) {
    if (existsSync(pinnedIn(dir))) return pinnedIn(dir)
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export const relaunch = (name, minimum) => {
  const pinned = findPinned()
  if (pinned === undefined) {
    process.stderr.write(
      `${name}: needs Node >= ${minimum}, this is Node ${process.versions.node}. ` +
        "Install a newer Node, or run `npm run build` in the gastown-otel checkout: it installs the pinned Node into .tools/\n"
    )
    process.exit(1)
  }
  const child = spawn(pinned, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: "inherit" })
  // Ctrl-C reaches the child from the terminal itself (same process group): forwarding it would
  // be a second one, which exits without flushing. Signals sent to this process alone are passed on.
  const forward = (signal) => child.kill(signal)
  process.on("SIGINT", () => {})
  process.on("SIGTERM", forward)
  process.on("SIGHUP", forward)
  child.on("error", (error) => {
    process.stderr.write(`${name}: cannot start ${pinned}: ${error.message}\n`)
    process.exit(1)
  })
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code ?? 1)
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  })
}
