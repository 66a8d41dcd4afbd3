#!/usr/bin/env node
/**
 * The `gastown-otel` executable.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { Command } from "effect/cli"
import * as Serve from "./Serve.ts"

Serve.root.pipe(Command.run({ version: Serve.version }), Effect.provide(NodeServices.layer), NodeRuntime.runMain)
