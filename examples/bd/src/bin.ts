#!/usr/bin/env node
/**
 * The `bd` executable. Telemetry is on when `BD_OTEL_METRICS_URL` or `BD_OTEL_LOGS_URL`
 * is set; it is flushed when the program ends (also on failure and SIGINT/SIGTERM) and
 * never changes the exit code.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect, Layer } from "effect"
import { Command } from "effect/cli"
import * as Cli from "./Cli.ts"
import * as Store from "./Store.ts"

const services = Store.layerConfig.pipe(
  Layer.provideMerge(Layer.mergeAll(Telemetry.layerConfig("bd", { version: Cli.version }), NodeServices.layer))
)

Cli.bd.pipe(Command.run({ version: Cli.version }), Effect.provide(services), NodeRuntime.runMain)
