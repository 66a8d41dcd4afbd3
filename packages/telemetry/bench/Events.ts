// The events the benches record: pools of varied, valid events per catalogue event, so no
// result can come from seeing one value over and over. bd.call is hand-written as gt makes
// it (a subcommand, its arguments, some output); the others are generated from their schemas
// with a fixed seed, their label fields kept to a few values as real traffic has.
import { Catalogue } from "@gastown-otel/schema"
import { Arbitrary, Effect } from "effect"

export const poolSize = 256

export const labels = {
  "gt.role": "mol/polecats/jana",
  "gt.rig": "mol",
  "gt.actor": "mol/polecats/jana",
  "gt.agent": "jana",
  "gt.run_id": "run-42"
}

const subcommands = ["list", "show", "create", "update", "close", "ready", "stats", "dep"]

const bdCalls = (): ReadonlyArray<Catalogue.Event> =>
  Array.from({ length: poolSize }, (_, i) => {
    const subcommand = subcommands[i % subcommands.length]!
    const id = `bd-${(i * 7919) % 1000}`
    return {
      _tag: "bd.call",
      subcommand,
      args: `${subcommand} ${id} --json --status open`,
      duration_ms: 3 + ((i * 37) % 400) / 7,
      status: i % 16 === 0 ? "error" : "ok",
      stdout: `${id} open Fix the flaky test in the ${subcommand} path\n${id}.1 open Write docs for #${i}`,
      stderr: i % 16 === 0 ? `error: ${id} not found` : ""
    }
  })

// Fields that label metrics get one of four values: a pool, not a stream of new series.
const labelFields = (name: string): ReadonlySet<string> =>
  new Set(Catalogue.metrics.filter((m) => m.event === name).flatMap((m) => m.labels))

const generated = (entry: Catalogue.Entry): ReadonlyArray<Catalogue.Event> => {
  const samples = Effect.runSync(
    Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), { count: poolSize, seed: entry.spec.name })
  ) as ReadonlyArray<Record<string, unknown>>
  const labelled = labelFields(entry.spec.name)
  return samples.map((sample, i) => {
    const event: Record<string, unknown> = { ...sample }
    for (const field of entry.fields) {
      if (labelled.has(field.name) && field.maxValues !== undefined) event[field.name] = `${field.name}-${i % 4}`
    }
    return event as Catalogue.Event
  })
}

/** A pool of valid events of the named kind. */
export const pool = (name: Catalogue.EventName): ReadonlyArray<Catalogue.Event> =>
  name === "bd.call" ? bdCalls() : generated(Catalogue.byName.get(name)!)
