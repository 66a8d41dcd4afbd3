#!/usr/bin/env node
// `bd`: its built bundle, on a Node new enough for it (see @gastown-otel/launcher).
import { launch } from "@gastown-otel/launcher"

await launch("bd", new URL("../dist/bd.js", import.meta.url).href)
