// Prints the plain closing line CI reads ("tests: N passed, N failed, N skipped") from
// vitest's JSON report. Fails when a package with a vitest project ran no test file:
// a project list that silently stopped being read must not look green.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

const report = JSON.parse(readFileSync(process.argv[2] ?? ".vitest-report.json", "utf8")) as {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  testResults: ReadonlyArray<{ name: string }>
}

const projects = [
  ...["packages", "examples"].flatMap((folder) =>
    existsSync(folder) ? readdirSync(folder).map((name) => resolve(join(folder, name))) : []
  ),
  resolve("test")
].filter((dir) => existsSync(join(dir, "vitest.config.ts")))
const silent = projects.filter((dir) => !report.testResults.some((r) => r.name.startsWith(dir + "/")))
for (const dir of silent) console.error(`no test file ran in ${dir}`)

const skipped = report.numPendingTests + report.numTodoTests
console.log(`\ntest files: ${report.testResults.length} in ${projects.length - silent.length} projects`)
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`)
if (silent.length > 0 || report.numPassedTests + report.numFailedTests === 0) process.exitCode = 1
