#!/usr/bin/env node
// `effect-app`: its built bundle, on a Node new enough for it (see @gastown-otel/launcher).
import { launch } from "@gastown-otel/launcher"

await launch("effect-app", new URL("../dist/main.js", import.meta.url).href)
