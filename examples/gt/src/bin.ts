#!/usr/bin/env node
// gt's entry point. Telemetry is provided around the whole run, so its layer flushes when
// the run ends however it ends (success, failure, SIGINT/SIGTERM under runMain); the layer
// never fails, so the exit code is gt's own.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Telemetry } from "@gastown-otel/telemetry"
import { Effect, Layer } from "effect"
import { Command } from "effect/cli"
import * as Bd from "./Bd.ts"
import * as Cli from "./Cli.ts"

const telemetry = Telemetry.layerConfig("gt", { version: Cli.version })

Cli.gt.pipe(
  Command.run({ version: Cli.version }),
  Effect.provide(Layer.provideMerge(Bd.layer, Layer.merge(telemetry, NodeServices.layer))),
  NodeRuntime.runMain
)
