// The state directory is private to its user: directories 0700, files 0600, whatever the
// umask. Modes are given when a directory or file is created, so nothing is ever open to
// others, not even for a moment: the umask can only take bits away from 0700/0600, never
// add any. What it takes away from the owner (an unusual umask such as 0377) is given back
// by a chmod afterwards, which is safe for the same reason: no one else could get in.
// A directory that already exists is checked: one that others may read is tightened, one
// that belongs to another user is refused (its owner could read or swap what we write).
import * as fs from "node:fs"
import * as path from "node:path"

export const dirMode = 0o700
export const fileMode = 0o600

// No POSIX owners on Windows: there the checks have nothing to compare.
const uid = process.getuid?.()

// Everything below a directory that had to be tightened: files other processes of ours
// wrote with a looser umask before modes were given. Entries of other users (only root can
// meet them) and symbolic links are left alone.
const tightenBelow = (dir: string) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name)
    const stat = fs.lstatSync(at, { throwIfNoEntry: false })
    if (stat === undefined || stat.isSymbolicLink() || stat.uid !== uid) continue
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== dirMode) fs.chmodSync(at, dirMode)
      tightenBelow(at)
    } else if ((stat.mode & 0o077) !== 0) fs.chmodSync(at, fileMode)
  }
}

/**
 * Creates `dir` (and missing parents) private to this user, or checks and tightens it if
 * it exists. Returns why it must not be used (one line for the user) when it belongs to
 * another user or is no directory; throws what the file system throws.
 */
export const ensure = (dir: string): string | undefined => {
  fs.mkdirSync(dir, { recursive: true, mode: dirMode })
  // stat, not lstat: a link to a directory is fine if the directory itself is ours.
  const stat = fs.statSync(dir)
  if (!stat.isDirectory()) return `${dir} is not a directory`
  if (uid === undefined) return undefined
  if (stat.uid !== uid) return `${dir} belongs to another user (uid ${stat.uid})`
  if ((stat.mode & 0o777) !== dirMode) {
    fs.chmodSync(dir, dirMode)
    tightenBelow(dir)
  }
  return undefined
}

/**
 * Writes a new file readable by its owner only. `wx`: a file that already exists is never
 * reused, so it cannot keep an older, looser mode.
 */
export const writeNew = (file: string, data: string | Uint8Array): void =>
  fs.writeFileSync(file, data, { mode: fileMode, flag: "wx" })
