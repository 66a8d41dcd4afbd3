import { assert, describe, it } from "@effect/vitest"
import { Redact } from "@gastown-otel/schema"
import { Arbitrary, Schema } from "effect"
import { OrdinaryText } from "./support/Text.ts"

const alnum = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"]
const body = (min: number) =>
  Arbitrary.schema(Schema.Array(Schema.Literals(alnum)).check(Schema.isMinLength(min))).pipe(
    Arbitrary.map((chars) => chars.join(""))
  )

// A secret of a well-known shape, and the whole text it is planted in.
const Secret = Arbitrary.all([
  Arbitrary.schema(
    Schema.Literals([
      "sk-ant-api03-",
      "sk-",
      "ghp_",
      "github_pat_",
      "glpat-",
      "xoxb-",
      "npm_",
      "password=",
      "--password ",
      "--api-key=",
      "token: ",
      "API_KEY=",
      "Authorization: Bearer ",
      "https://deploy:"
    ])
  ),
  body(36)
]).pipe(
  Arbitrary.map(([prefix, secret]) =>
    prefix === "https://deploy:"
      ? { text: `${prefix}${secret}@git.example.com/repo`, secret }
      : { text: `${prefix}${secret}`, secret }
  )
)

describe("Redact.secrets", () => {
  it.prop(
    "a generated secret planted in generated text never survives",
    [OrdinaryText, Secret, OrdinaryText],
    ([before, planted, after]) => {
      const out = Redact.secrets(`${before} ${planted.text} ${after}`)
      assert.notInclude(out, planted.secret)
      assert.include(out, Redact.mask)
    }
  )

  it.prop("ordinary text is untouched", [OrdinaryText], ([text]) => {
    assert.strictEqual(Redact.secrets(text), text)
  })

  it("masks the common shapes and keeps what finds a call", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["list --token abc123def --json", "list --token [REDACTED] --json"],
      ["create --title 'x' --password=hunter2", "create --title 'x' --password=[REDACTED]"],
      ['{"api_key": "k-12345"}', '{"api_key": "[REDACTED]"}'],
      ["Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: Bearer [REDACTED]"],
      ["clone https://bob:s3cret@github.com/x.git", "clone https://[REDACTED]@github.com/x.git"],
      ["export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "export AWS_ACCESS_KEY_ID=[REDACTED]"],
      ["GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GITHUB_TOKEN=[REDACTED]"],
      ["key sk-ant-api03-abcdefghijklmnopqrstuvwx", "key [REDACTED]"]
    ]
    for (const [input, output] of cases) assert.strictEqual(Redact.secrets(input), output)
  })

  it("tells secret names from others", () => {
    for (const name of ["api_key", "deploy.token", "DB_PASSWORD", "github-token", "auth", "client_secret"]) {
      assert.isTrue(Redact.isSecretName(name), name)
    }
    for (const name of ["author", "service.name", "gt.rig", "tokens_used", "keyboard"]) {
      assert.isFalse(Redact.isSecretName(name), name)
    }
  })

  it("window: what is redacted before a cut is the kept prefix and a margin", () => {
    assert.strictEqual(Redact.window("x".repeat(10_000), 100).length, 100 + 256)
    assert.strictEqual(Redact.window("short", 100), "short")
  })

  it("is idempotent", () => {
    const once = Redact.secrets("--password=x token: y https://a:b@h")
    assert.strictEqual(Redact.secrets(once), once)
  })
})
