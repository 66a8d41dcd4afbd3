// The catalogue demo: one generated value of every event, with the metric updates and
// the log record it derives.
import { Catalogue, Derive, GtContext } from "@gastown-otel/schema"
import { Arbitrary, Effect, Schema } from "effect"

const context = Schema.decodeUnknownSync(GtContext.FromEnvironment)({
  GT_ROLE: "mol/polecats/jana",
  GT_RIG: "mol",
  BD_ACTOR: "mol/polecats/jana",
  GT_POLECAT: "jana",
  GT_SESSION: "demo-session",
  ...process.env
})

const program = Effect.gen(function* () {
  for (const entry of Catalogue.entries) {
    const [event] = yield* Arbitrary.sampleEffect(Arbitrary.schema(entry.schema), {
      count: 1,
      size: 6,
      seed: entry.spec.name
    })
    const value = event as Catalogue.Event
    console.log(
      `\n── ${entry.spec.name} (${entry.spec.emitter}) ${"─".repeat(Math.max(0, 60 - entry.spec.name.length))}`
    )
    console.log("event   ", JSON.stringify(value))
    for (const update of Derive.metricUpdates(value, context)) {
      const labels = update.metric.labelKeys
        .flatMap((k, i) => (update.labelValues[i] === undefined ? [] : [`${k}="${update.labelValues[i]}"`]))
        .join(",")
      const verb = update.metric.kind === "counter" ? "+=" : update.metric.kind === "gauge" ? "=" : "observe"
      console.log("metric  ", `${update.metric.name}{${labels}} ${verb} ${update.value}`)
    }
    const record = Derive.logRecord(value, context)
    const attributes = Object.fromEntries(record.attributes.map((a) => [a.key, a.value]))
    console.log("log     ", record.severity, record.body, JSON.stringify(attributes))
  }
  console.log(`\n${Catalogue.entries.length} events, ${Catalogue.metrics.length} metrics.`)
})

Effect.runPromise(program)
