// Loaded with `--import` into a test process: just before the process renames or removes
// a file under GT_OTEL_STATE_DIR, a copy of it and its mode go to AUDIT_DIR, so a test can
// search files that never outlive the run (temporary files, locks, claimed requests,
// parked deltas, markers). It only watches: every call goes on to the real function.
import type * as NodeFs from "node:fs"
import type { PathLike, RmOptions } from "node:fs"
import { createRequire, syncBuiltinESMExports } from "node:module"
import * as path from "node:path"

// The CommonJS object behind node:fs, which can be patched.
const fs = createRequire(import.meta.url)("node:fs") as {
  -readonly [K in keyof typeof NodeFs]: (typeof NodeFs)[K]
}

const stateDir = process.env["GT_OTEL_STATE_DIR"]
const auditDir = process.env["AUDIT_DIR"]

if (stateDir !== undefined && auditDir !== undefined) {
  const root = path.resolve(stateDir) + path.sep
  const { renameSync, rmSync, unlinkSync } = fs
  let copies = 0
  const keep = (file: PathLike) => {
    const at = path.resolve(String(file))
    if (!at.startsWith(root)) return
    try {
      const stat = fs.statSync(at)
      if (!stat.isFile()) return
      const copy = path.join(auditDir, `${process.pid}-${copies++}`)
      fs.copyFileSync(at, copy)
      const line = JSON.stringify({ file: at, copy, mode: stat.mode & 0o777 })
      fs.appendFileSync(path.join(auditDir, "index.jsonl"), `${line}\n`)
    } catch {
      // Gone already (another process took it): nothing to keep.
    }
  }
  fs.renameSync = (from: PathLike, to: PathLike) => {
    keep(from)
    renameSync(from, to)
  }
  fs.rmSync = (file: PathLike, options?: RmOptions) => {
    keep(file)
    rmSync(file, options)
  }
  fs.unlinkSync = (file: PathLike) => {
    keep(file)
    unlinkSync(file)
  }
  // ES modules see node:fs through bindings that follow the CommonJS object once synced.
  syncBuiltinESMExports()
}
