// Secrets planted in arguments, in bd's output and errors, and in the environment never
// reach the wire: every request gt and bd sent is searched, raw and decoded.
import { CaptureServer, Cli, Received } from "@gastown-otel/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Redact } from "@gastown-otel/schema"
import { Effect } from "effect"

// Fake tokens, assembled at run time so that secret scanners do not flag this file.
const secrets = {
  githubToken: ["ghp", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"].join("_"),
  anthropicKey: ["sk", "ant", "api03", "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"].join("-"),
  password: "Hunter2-Correct-Horse",
  bearer: "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0cGF5bG9hZA.c2lnbmF0dXJlMTIz",
  urlPassword: "s3cr3t-url-pass",
  resourceKey: "resource-key-value-42"
}

describe("secrets", () => {
  it.live(
    "planted in args, stdout, stderr and the environment: none reaches the wire",
    () =>
      Effect.gen(function* () {
        const { env } = yield* Cli.sandbox
        const server = yield* CaptureServer.start()
        const variables = {
          ...env,
          ...Cli.telemetryAt("gt", server.url),
          ...Cli.patientFlush,
          GT_RIG: "mol",
          GT_ROLE: "mol/witness",
          GITHUB_TOKEN: secrets.githubToken,
          ANTHROPIC_API_KEY: secrets.anthropicKey,
          OTEL_RESOURCE_ATTRIBUTES: `deploy.api_key=${secrets.resourceKey}`
        }
        // stdout: an issue whose title holds a token, then listed through gt.
        yield* Cli.run("bd", ["create", `rotate ${secrets.githubToken} today`], variables)
        yield* Cli.run("gt", ["status"], variables)
        // args: a mail whose subject and body hold a password and a bearer header.
        yield* Cli.run(
          "gt",
          [
            "mail",
            "send",
            "mol/witness",
            "--subject",
            `password: ${secrets.password}`,
            "--body",
            `Authorization: Bearer ${secrets.bearer} and https://deploy:${secrets.urlPassword}@git.example.com/x`
          ],
          variables
        )
        // stderr and error: bd fails on a bead id that is a key.
        const failed = yield* Cli.run("gt", ["sling", secrets.anthropicKey, "mol/polecats/jana"], variables)
        assert.notStrictEqual(failed.code, 0)

        assert.isAbove(server.requests.length, 0)
        assert.isDefined(Received.logs(server).find((l) => l.body === "bd.call" && l.attributes["status"] === "error"))
        const raw = Buffer.concat(server.requests.map((r) => Buffer.from(r.body))).toString("latin1")
        const decoded = JSON.stringify([Received.logs(server), Received.points(server)])
        for (const [name, secret] of Object.entries(secrets)) {
          assert.notInclude(raw, secret, `${name} on the wire`)
          assert.notInclude(decoded, secret, `${name} in a decoded record`)
        }
        // The fields were exported, redacted where the secret stood.
        const calls = Received.logs(server).filter((l) => l.body === "bd.call")
        const field = (subcommand: string, name: string) =>
          calls.filter((l) => l.attributes["subcommand"] === subcommand).map((l) => String(l.attributes[name]))
        assert.isTrue(
          field("list", "stdout").some((out) => out.includes("rotate [REDACTED] today")),
          "stdout"
        )
        assert.isTrue(
          field("mail", "args").some((args) => args.includes("password: [REDACTED]")),
          "args"
        )
        assert.isTrue(
          field("mail", "args").some((args) => args.includes("Bearer [REDACTED]")),
          "bearer in args"
        )
        assert.isTrue(
          field("mail", "args").some((args) => args.includes("https://[REDACTED]@git.example.com")),
          "URL"
        )
        // stderr: what bd itself prints for that call (run here with telemetry off), redacted.
        const shown = yield* Cli.run("bd", ["show", secrets.anthropicKey], env)
        assert.include(shown.stderr, secrets.anthropicKey)
        assert.deepStrictEqual(field("show", "stderr"), [Redact.secrets(shown.stderr)])
        assert.include(field("show", "stderr")[0], Redact.mask)
        const resource = JSON.stringify(Received.logs(server).map((l) => l.service))
        assert.notInclude(resource, secrets.resourceKey)
      }),
    60_000
  )
})
