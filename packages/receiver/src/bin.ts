#!/usr/bin/env node
/**
 * The `gastown-otel` executable.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect } from "effect"
import * as Cli from "./Cli.ts"

Cli.main.pipe(Effect.provide(Cli.layer), NodeRuntime.runMain)
