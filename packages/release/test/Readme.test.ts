// Every shell block of the README, run as a user runs it after the set-up on a fresh clone:
// in a directory laid out like the checkout (its entries linked, so nothing lands in the
// checkout itself), with a fresh HOME and the machine's own Node first on PATH, not the
// pinned one. Each command must exit as the table below says and print its expected lines;
// a command the table does not know fails the test, so the README cannot drift from it.
// Blocks that need Docker are parsed, not run.
import { Catalogue, Endpoints, Resource } from "@gastown-otel/schema"
import { Process, TempDir } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Repo from "./support/Repo.ts"

interface Expected {
  readonly code: number
  /**
   * A line the command prints on stdout, or several it prints (each somewhere); `undefined`:
   * it prints nothing.
   */
  readonly line: string | RegExp | ReadonlyArray<string | RegExp> | undefined
}

const full = (n: number) => `${n}/${n} (100%)`
const gt = Resource.serviceNames.gt
const bd = Resource.serviceNames.bd

// Keyed by the command as written, without its trailing comment.
const expected: Readonly<Record<string, Expected | "not run">> = {
  // The demo's outcome: every catalogue event and metric arrived at the receiver and passed
  // the check, and a trace runs from gt into bd's own spans.
  "npm run demo": {
    code: 0,
    line: [
      `coverage: events ${full(Catalogue.logEvents.length)}, metrics ${full(Catalogue.metrics.length)}`,
      "no findings",
      /^trace [0-9a-f]{32}:$/,
      new RegExp(`^gt formula run +${gt} +\\d+\\.\\d +ms$`),
      // bd's own span, under gt's span of the call (lines are compared trimmed).
      new RegExp(`^bd create +${bd} +\\d+\\.\\d +ms$`),
      /^\$ gt flush → exit 0: sent \d+ requests? \(\d+ records?\), nothing left to send$/
    ]
  },
  // `npm test` is the command this test runs inside.
  "npm test": "not run",
  'export PATH="$PWD/node_modules/.bin:$PATH"': { code: 0, line: undefined },
  "gastown-otel serve > receiver.log &": { code: 0, line: undefined },
  "export GT_OTEL_METRICS_URL=http://localhost:8428/opentelemetry/api/v1/push": { code: 0, line: undefined },
  "export GT_OTEL_LOGS_URL=http://localhost:9428/insert/opentelemetry/v1/logs": { code: 0, line: undefined },
  "export GT_OTEL_TRACES_URL=http://localhost:8428/v1/traces": { code: 0, line: undefined },
  "export BD_OTEL_METRICS_URL=$GT_OTEL_METRICS_URL BD_OTEL_LOGS_URL=$GT_OTEL_LOGS_URL": { code: 0, line: undefined },
  "export GT_RIG=mol GT_ROLE=mol/polecats/jana GT_POLECAT=jana": { code: 0, line: undefined },
  'bd create "Fix the flaky test"': { code: 0, line: "Created bd-1: Fix the flaky test" },
  "gt status": { code: 0, line: "total        1" },
  "bd list": { code: 0, line: /^bd-1 +P2 +task +open +Fix the flaky test$/ },
  "gt sling bd-1 mol/polecats/jana": { code: 0, line: "slung bd-1 (Fix the flaky test) to mol/polecats/jana" },
  "gt session start --help": { code: 0, line: "gt session start [flags]" },
  "effect-app": { code: 0, line: "slung bd-1 to mol/polecats/jana" },
  // The receiver took everything, whether at once or from the spool.
  "gt flush": { code: 0, line: /^sent \d+ requests? \(\d+ records?\), nothing left to send$/ },
  // gt sling's bd show and the Effect program's: two under the same labels.
  "gastown-otel query 'sum by (subcommand) (increase(gastown_bd_calls_total[1h]))'": {
    code: 0,
    line: ["subcommand  value", /^list +1$/, /^show +2$/, /^stats +1$/, /^update +2$/]
  },
  "gastown-otel check": { code: 0, line: "no findings" },
  "kill %1": { code: 0, line: undefined }
}

// Bash's own comment syntax, as the README uses it: whitespace, then `#` to the line's end.
const command = (line: string) => line.replace(/\s+#.*$/, "").trim()

const needsDocker = (text: string) => text.split("\n").some((line) => /^docker\b/.test(command(line)))

const matches = (line: string | RegExp, printed: ReadonlyArray<string>) =>
  printed.some((p) => (typeof line === "string" ? p.trim() === line : line.test(p.trim())))

const wanted = (line: string | RegExp | ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  typeof line === "string" || line instanceof RegExp ? [line] : line

// A directory laid out like a fresh clone after its set-up, and an empty HOME beside it.
const sandbox = Effect.gen(function* () {
  const dir = yield* TempDir.make("readme-test-")
  const clone = path.join(dir, "gastown-otel")
  fs.mkdirSync(clone)
  for (const entry of Repo.cloneEntries()) fs.symlinkSync(path.join(Repo.root, entry), path.join(clone, entry))
  const home = path.join(dir, "home")
  fs.mkdirSync(home)
  const node = Repo.systemNode()
  const env = {
    HOME: home,
    PATH: [path.dirname(node), "/usr/bin", "/bin"].join(path.delimiter),
    LANG: "C.UTF-8",
    // npm would otherwise ask the registry for a newer npm from the empty HOME.
    npm_config_update_notifier: "false"
  }
  return { clone, env, node }
})

// Runs the commands of one block in one bash, marking where each begins and how it ended.
const runBlock = (commands: ReadonlyArray<string>, cwd: string, env: Record<string, string>) =>
  Effect.gen(function* () {
    const script = commands.map(
      (c, i) => `printf '\\n:::begin %d\\n' ${i}\n${c}\nprintf '\\n:::end %d %d\\n' ${i} $?\n`
    )
    const ran = yield* Process.run("bash", ["-c", script.join("")], { cwd, env, timeoutMs: 400_000 })
    return commands.map((c, i) => {
      const begin = ran.stdout.indexOf(`\n:::begin ${i}\n`)
      const endMatch = new RegExp(`\\n:::end ${i} (\\d+)\\n`).exec(ran.stdout)
      assert.isAbove(begin, -1, `${c} did not start:\n${ran.stdout}\n${ran.stderr}`)
      assert.isNotNull(endMatch, `${c} did not finish:\n${ran.stdout}\n${ran.stderr}`)
      const printed = ran.stdout.slice(begin + `\n:::begin ${i}\n`.length, endMatch!.index).split("\n")
      return { command: c, code: Number(endMatch![1]), printed: printed.filter((l) => l !== ""), stderr: ran.stderr }
    })
  })

describe("README", () => {
  const shellBlocks = Repo.blocks(Repo.readme()).filter((b) => Repo.shellLanguages.has(b.language))

  it("every command of every shell block has an expectation here", () => {
    const written = shellBlocks
      .filter((b) => !needsDocker(b.text))
      .flatMap((b) => b.text.split("\n").map(command))
      .filter((c) => c !== "")
    assert.deepStrictEqual(
      written.filter((c) => !(c in expected)),
      [],
      "commands this test does not know"
    )
    assert.deepStrictEqual(
      Object.keys(expected).filter((c) => !written.includes(c)),
      [],
      "expectations for commands the README no longer has"
    )
  })

  it.live(
    "the blocks that need Docker parse",
    () =>
      Effect.gen(function* () {
        const docker = shellBlocks.filter((b) => needsDocker(b.text))
        assert.isAbove(docker.length, 0)
        for (const b of docker) {
          const parsed = yield* Process.run("bash", ["-n", "-c", b.text], { env: Process.environment() })
          assert.strictEqual(parsed.code, 0, `${b.section}: ${parsed.stderr}`)
        }
      }),
    30_000
  )

  // The receiver table's first line, as a user types it: npx, the machine's Node, the default
  // ports. In a session of its own, so that SIGTERM reaches npm and what it started at once, as
  // Ctrl-C reaches a terminal's foreground group (npm does not pass signals on); then nothing
  // may listen.
  it.live(
    "npx gastown-otel serve from a plain shell on the machine's Node: both default ports answer",
    () =>
      Effect.gen(function* () {
        const { clone, env } = yield* sandbox
        const [metricsPort, logsPort] = [Endpoints.ports.metrics, Endpoints.ports.logs]
        const health = (ports: ReadonlyArray<number>) =>
          `node -e 'Promise.all([${ports.join(",")}].map((p) => fetch("http://127.0.0.1:" + p + "/health").then((r) => r.text(), () => "refused"))).then((t) => console.log(t.map((s) => s.trim()).join(" ")))'`
        const script = [
          'setsid npx gastown-otel serve --data-dir "$HOME/receiver" > "$HOME/serve.log" 2>&1 &',
          "npx_pid=$!",
          'for i in $(seq 600); do grep -q "receiver:" "$HOME/serve.log" && break; sleep 0.1; done',
          'cat "$HOME/serve.log"',
          health([metricsPort, logsPort]),
          "kill -TERM -- -$npx_pid",
          "wait $npx_pid",
          'for i in $(seq 100); do pgrep -f "serve --data-dir $HOME/receiver" > /dev/null || break; sleep 0.1; done',
          health([metricsPort])
        ].join("\n")
        const ran = yield* Process.run("bash", ["-c", script], { cwd: clone, env, timeoutMs: 120_000 })
        const lines = ran.stdout.trim().split("\n")
        const home = env.HOME
        assert.deepStrictEqual(
          lines,
          [
            `gastown-otel receiver: metrics http://127.0.0.1:${metricsPort}, logs http://127.0.0.1:${logsPort}, data ${home}/receiver`,
            "OK OK",
            "refused"
          ],
          ran.stderr
        )
      }),
    150_000
  )

  it.live(
    "every other block runs from a plain shell on the machine's Node, as written",
    () =>
      Effect.gen(function* () {
        const { clone, env, node } = yield* sandbox
        // Recorded so a reader knows which path the CLIs' launcher took.
        console.log(`README commands run with ${node} (Node ${Repo.versionOf(node)}) first on PATH`)
        for (const b of shellBlocks.filter((b) => !needsDocker(b.text))) {
          const commands = b.text.split("\n").filter((line) => command(line) !== "")
          const runnable = commands.filter((line) => expected[command(line)] !== "not run")
          const results = yield* runBlock(runnable, clone, env)
          // The demo keeps its data directory for the page it offers; the test does not need it.
          for (const line of results.flatMap((r) => r.printed)) {
            const kept = /^npx gastown-otel serve --data-dir (\S+)$/.exec(line)?.[1]
            if (kept !== undefined && path.dirname(kept) === os.tmpdir())
              fs.rmSync(kept, { recursive: true, force: true })
          }
          for (const result of results) {
            const want = expected[command(result.command)] as Expected
            const output = `${result.printed.join("\n")}\n${result.stderr}`
            assert.strictEqual(result.code, want.code, `${result.command}\n${output}`)
            if (want.line === undefined) assert.deepStrictEqual(result.printed, [], result.command)
            else {
              for (const line of wanted(want.line)) {
                assert.isTrue(matches(line, result.printed), `${result.command}: no line ${line}\n${output}`)
              }
            }
          }
        }
      }),
    600_000
  )
})
