// The example CLIs' bins call this. It is plain JavaScript that any Node can parse: on an
// old Node it must still run far enough to say which Node the CLI needs, or to start the
// CLI on the checkout's pinned Node (`.tools/`, installed by scripts/with-node.sh).
import module from "node:module"
import { fileURLToPath } from "node:url"

/** The oldest Node the CLIs run on: what @effect/platform-node and undici declare. */
export const minimum = "22.19.0"

const newEnough = (version) => {
  const have = version.split(".").map(Number)
  const need = minimum.split(".").map(Number)
  for (let i = 0; i < need.length; i++) if (have[i] !== need[i]) return have[i] > need[i]
  return true
}

/**
 * Runs `bundle` (a file URL) as the program `name`: imported here when this Node is new
 * enough, with Node's compile cache on (a CLI called hundreds of times a session should
 * not compile the same code each time); otherwise handed to the pinned Node.
 */
export const launch = async (name, bundle) => {
  if (newEnough(process.versions.node)) {
    module.enableCompileCache?.()
    try {
      await import(bundle)
    } catch (error) {
      // A file path, as Node's message has it: a URL's pathname is percent-encoded (a space is %20).
      const file = fileURLToPath(bundle)
      if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(file)) {
        process.stderr.write(`${name}: not built (${file} is missing): run \`npm run build\`\n`)
        process.exit(1)
      }
      throw error
    }
    return
  }
  const { relaunch } = await import("./relaunch.js")
  relaunch(name, minimum)
}
