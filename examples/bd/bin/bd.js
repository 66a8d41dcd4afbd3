#!/usr/bin/env node
// `bd`: its built bundle, on a Node new enough for it (see @gastown-otel/example-launcher).
import { launch } from "@gastown-otel/example-launcher"

await launch("bd", new URL("../dist/bd.js", import.meta.url).href)
