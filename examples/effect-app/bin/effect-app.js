#!/usr/bin/env node
// `effect-app`: its built bundle, on a Node new enough for it (see @gastown-otel/example-launcher).
import { launch } from "@gastown-otel/example-launcher"

await launch("effect-app", new URL("../dist/main.js", import.meta.url).href)
