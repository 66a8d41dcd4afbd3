/**
 * Masking secrets in free text (bd arguments, output, error messages) before export.
 *
 * @since 0.1.0
 */

/**
 * What replaces a secret.
 *
 * @since 0.1.0
 * @category text
 */
export const mask = "[REDACTED]"

// Prefixes (`deploy_`, `x-api-`) are bounded: an unbounded nested repeat backtracks
// quadratically on long hyphenated text that ends in no secret.
const secretKey = String.raw`(?:[A-Za-z0-9]{1,32}[_-]){0,4}(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth)`

// Order matters: whole-token formats first, then `key=value` shapes, then URLs.
// A quoted value keeps its quotes, so redacted JSON stays JSON.
const maskValue = (prefix: string, value: string): string => {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : ""
  return `${prefix}${quote}${mask}${quote}`
}

const rules: ReadonlyArray<readonly [RegExp, string | ((match: string, ...groups: Array<string>) => string)]> = [
  // Authorization headers and bare bearer/basic credentials.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${mask}`],
  // Well-known token formats: Anthropic/OpenAI, GitHub, GitLab, Slack, npm, AWS, JWTs.
  [
    /\b(?:sk-(?:ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|npm_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+)/g,
    mask
  ],
  // `--password hunter2`, `--api-key=…`
  [
    new RegExp(String.raw`(--?${secretKey}(?:=|\s+))(?!${escape(mask)})("[^"]*"|'[^']*'|[^\s"']+)`, "gi"),
    (_, prefix, value) => maskValue(prefix!, value!)
  ],
  // `password=…`, `"token": "…"`, `API_KEY: …`
  [
    new RegExp(
      String.raw`(["']?\b${secretKey}["']?\s*[=:]\s*)(?!["']?${escape(mask)})("[^"]*"|'[^']*'|[^\s,;&"'}]+)`,
      "gi"
    ),
    (_, prefix, value) => maskValue(prefix!, value!)
  ],
  // Credentials in URLs: scheme://user:pass@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]*@/gi, `$1${mask}@`]
]

// Every rule above needs one of these words or shapes; most text has none, and one scan
// for them is much cheaper than running every rule (this runs on every bd call's output).
// The words are bearer, basic, token, sk-, gh?_, github_pat_, glpat-, xox, npm_, akia, eyj,
// pass, pwd, secret, key, credential, auth and `://`, grouped by first letter: the same
// matches, but V8 tries fewer alternatives at each position (about a third faster).
const screen =
  /b(?:earer|asic)|token|s(?:k-|ecret)|g(?:h[pousr]_|ithub_pat_|lpat-)|xox|npm_|a(?:kia|uth)|eyj|p(?:ass|wd)|key|credential|:\/\//i

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/**
 * How far past a byte limit text is kept before redaction, so a secret that straddles the
 * limit is still recognised whole and nothing beyond it costs time.
 *
 * @since 0.1.0
 * @category text
 */
export const window = (text: string, limitBytes: number): string =>
  // One UTF-16 unit is at least one UTF-8 byte: `limitBytes` units hold the kept prefix.
  text.length > limitBytes + windowMargin ? text.slice(0, limitBytes + windowMargin) : text

const windowMargin = 256

/**
 * Whether a name (an attribute key, a variable) says its value is a secret: `api_key`,
 * `deploy.token`, `DB_PASSWORD`.
 *
 * @since 0.1.0
 * @category text
 */
export const isSecretName = (name: string): boolean => secretName.test(name)

const secretName = new RegExp(String.raw`(?:^|[._-])${secretKey}$`, "i")

/**
 * Replaces tokens, keys, passwords, bearer credentials and URL credentials in
 * `text` with {@link mask}. Text without such shapes is returned unchanged. Cost is
 * linear in the text's length; callers that keep only a prefix redact only that
 * ({@link window}).
 *
 * @since 0.1.0
 * @category text
 */
export const secrets = (text: string): string => {
  if (!screen.test(text)) return text
  let out = text
  for (const [pattern, replacement] of rules) {
    // Two calls, as `replace` overloads on the replacement's type.
    out = typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement)
  }
  return out
}
