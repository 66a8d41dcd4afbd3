#!/usr/bin/env node
// `gastown-otel`: its built bundle, on a Node new enough for it (see @gastown-otel/launcher).
import { launch } from "@gastown-otel/launcher"

await launch("gastown-otel", new URL("../dist/gastown-otel.js", import.meta.url).href)
