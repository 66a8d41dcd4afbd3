// How Grafana and the VictoriaLogs datasource plugin (src/datasource.ts interpolateString,
// src/LogsQL/regExpOperator.ts) fill dashboard variables into a LogsQL expression, for the forms
// our dashboards use: `${name}` / `$name` references, a selected list of values or "All".
// - "All" with a custom all value is put in as that value, unformatted (Grafana's TemplateSrv).
// - Otherwise the plugin formats the values by where the reference stands: inside a regexp
//   filter (`field:~"…"`) as `(a|b)`, right after `in(` as a quoted list, else joined by ` OR `.
// The plugin also rewrites `field:in($name)`, `"$name"` and `:~$name` when "All" is selected;
// our dashboards use none of those forms, and this model refuses them rather than guess.

export type Selection = { readonly all: true } | { readonly values: ReadonlyArray<string> }

export interface Variable {
  readonly name: string
  readonly allValue: string
}

const reference = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g

// Whether the text before a reference ends inside the value of a `:~` / `=~` filter: walking
// back, the first quote opens the value; an operator right before it decides.
const inRegexpFilter = (before: string): boolean => {
  let insideValue = true
  let sawOperator = false
  for (let i = before.length - 1; i >= 0; i--) {
    const c = before[i]!
    if (c === '"' && before[i - 1] !== "\\") {
      if (!insideValue) return false
      insideValue = false
      continue
    }
    if (c === " ") {
      if (sawOperator) return false
      continue
    }
    if (c === "|" && !insideValue) return false
    if (c === ":" || c === "=") {
      if (
        !insideValue &&
        before
          .slice(i + 1)
          .trimStart()
          .startsWith("~")
      )
        return true
      sawOperator = true
    }
  }
  return false
}

export const interpolate = (
  expr: string,
  variables: ReadonlyArray<Variable>,
  selections: { readonly [name: string]: Selection }
): string => {
  for (const v of variables) {
    if (new RegExp(`"\\$${v.name}"|:\\s*~\\s*\\$${v.name}\\b|in\\(\\s*\\$${v.name}\\b`).test(expr)) {
      throw new Error(`the interpolation model does not cover this use of $${v.name} in ${expr}`)
    }
  }
  let out = ""
  let last = 0
  for (const m of expr.matchAll(reference)) {
    const name = m[1] ?? m[2] ?? m[4]!
    const variable = variables.find((v) => v.name === name)
    const selection = selections[name]
    if (variable === undefined || selection === undefined) continue
    if (m[3] !== undefined || m[5] !== undefined) throw new Error(`the model does not cover the format in ${m[0]}`)
    out += expr.slice(last, m.index)
    last = m.index + m[0].length
    if ("all" in selection) {
      out += variable.allValue
      continue
    }
    const values = selection.values
    if (inRegexpFilter(expr.slice(0, m.index))) out += `(${values.join("|")})`
    else if (expr.slice(0, m.index).replace(/\s+/g, "").slice(-3).includes("in(")) {
      out += values.map((x) => JSON.stringify(x)).join(",")
    } else out += values.join(" OR ")
  }
  return out + expr.slice(last)
}
