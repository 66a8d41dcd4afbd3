// Validation of events at the door: a check per event compiled from its schema's AST
// (the guard `Schema.is` would run, without the parser's per-value machinery), the full
// decoder only to explain a failure.
import { Catalogue } from "@gastown-otel/schema"
import { Cause, Exit, Schema, SchemaAST } from "effect"
import { InvalidEvent } from "../TelemetryError.ts"

/** Whether a value is of a schema's type. */
export type Check = (input: unknown) => boolean

// The few shapes catalogue fields are built from. Anything else compiles to `undefined`,
// and its event is checked by `Schema.is` instead: an unknown construct is never skipped.
const compileFilter = (check: SchemaAST.Check<never>): ((value: never) => boolean) | undefined => {
  if (check._tag !== "Filter") return undefined
  const representation = check.annotations?.["representation"] as { id?: unknown; payload?: unknown } | undefined
  const payload = representation?.payload as Record<string, unknown> | null | undefined
  switch (representation?.id) {
    case "effect/schema/isMinLength": {
      const min = payload?.["minLength"]
      return typeof min === "number" ? (value: string) => value.length >= min : undefined
    }
    case "effect/schema/isGreaterThanOrEqualTo": {
      const min = payload?.["minimum"]
      return typeof min === "number" ? (value: number) => value >= min : undefined
    }
    case "effect/schema/isFinite":
      return (value: number) => Number.isFinite(value)
    case "effect/schema/isInt":
      return (value: number) => Number.isSafeInteger(value)
    default:
      return undefined
  }
}

const withChecks = (ast: SchemaAST.AST, base: Check): Check | undefined => {
  if (ast.checks === undefined) return base
  const filters: Array<(value: never) => boolean> = []
  for (const check of ast.checks) {
    const filter = compileFilter(check as SchemaAST.Check<never>)
    if (filter === undefined) return undefined
    filters.push(filter)
  }
  return (input) => {
    if (!base(input)) return false
    for (const filter of filters) if (!filter(input as never)) return false
    return true
  }
}

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

// As the parser reads a key: through the prototype chain, except `__proto__`.
const hasKey = (input: object, key: string) => (key === "__proto__" ? Object.hasOwn(input, key) : key in input)

const compileObjects = (ast: SchemaAST.Objects): Check | undefined => {
  if (ast.indexSignatures.length > 0 || ast.checks !== undefined) return undefined
  const properties: Array<{ readonly name: string; readonly optional: boolean; readonly check: Check }> = []
  for (const ps of ast.propertySignatures) {
    const check = compile(ps.type)
    if (check === undefined || typeof ps.name !== "string") return undefined
    properties.push({ name: ps.name, optional: ps.type.context?.isOptional ?? false, check })
  }
  return (input) => {
    if (!isRecord(input)) return false
    for (const p of properties) {
      if (!hasKey(input, p.name)) {
        if (p.optional) continue
        return false
      }
      if (!p.check(input[p.name])) return false
    }
    return true
  }
}

/** The check of a schema's type, or `undefined` when it uses a construct not compiled here. */
export const compile = (ast: SchemaAST.AST): Check | undefined => {
  if (ast.encoding !== undefined) return undefined
  switch (ast._tag) {
    case "String":
      return withChecks(ast, (input) => typeof input === "string")
    case "Number":
      return withChecks(ast, (input) => typeof input === "number")
    case "Boolean":
      return withChecks(ast, (input) => typeof input === "boolean")
    case "Literal": {
      const literal = ast.literal
      return withChecks(ast, (input) => input === literal)
    }
    case "Union": {
      // Only a set of literals (an outcome, a state): anything richer goes to `Schema.is`.
      const literals: Array<unknown> = []
      for (const member of ast.types) {
        if (member._tag !== "Literal" || member.checks !== undefined || member.encoding !== undefined) return undefined
        literals.push(member.literal)
      }
      const set = new Set(literals)
      return withChecks(ast, (input) => set.has(input))
    }
    case "Objects":
      return compileObjects(ast)
    default:
      return undefined
  }
}

const compiled = Catalogue.entries
  .map((e) => ({ name: e.spec.name, schema: e.schema as Schema.Top }))
  .map(({ name, schema }) => ({ name, schema, check: compile(schema.ast) }))

/** Events whose schema could not be compiled: they are checked by `Schema.is`. */
export const fallbacks: ReadonlyArray<string> = compiled.filter((c) => c.check === undefined).map((c) => c.name)

/** Per event name: the compiled check, or `Schema.is` where the schema could not be compiled. */
export const checks: ReadonlyMap<string, Check> = new Map(
  compiled.map(({ check, name, schema }) => [name, check ?? Schema.is(schema)])
)

const explain = Schema.decodeUnknownExit(Catalogue.Event as unknown as Schema.Codec<unknown, unknown>)

/** The event when valid, else the error naming what is wrong. */
export const validate = (input: unknown): Catalogue.Event | InvalidEvent => {
  const tag = typeof input === "object" && input !== null ? (input as { _tag?: unknown })._tag : undefined
  const check = typeof tag === "string" ? checks.get(tag) : undefined
  if (check?.(input)) return input as Catalogue.Event
  const exit = explain(input)
  return new InvalidEvent({
    event: typeof tag === "string" ? tag : "(no _tag)",
    issue: Exit.isFailure(exit)
      ? String((Cause.squash(exit.cause) as Error).message).replace(/\s+/g, " ")
      : "unknown event"
  })
}
