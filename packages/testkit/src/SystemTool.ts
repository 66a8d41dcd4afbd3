/**
 * Programs from Debian's packages that tests run for real. The test set-up installs them
 * (`scripts/system-packages.sh`, run by `npm test`); a test that needs one fails with a clear
 * message when it is missing, never skips.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"

/**
 * The path of `command` on PATH; throws naming the Debian package to install when absent.
 *
 * @since 0.1.0
 * @category system tools
 */
export const require = (command: string, debianPackage: string = command): string => {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" })
  const path = found.stdout.trim()
  if (found.status === 0 && path !== "") return path
  throw new Error(
    `${command} is not installed: \`npm test\` installs it (scripts/system-packages.sh ${debianPackage}, as root with apt-get)`
  )
}
