#!/usr/bin/env node
// `gt`: its built bundle, on a Node new enough for it (see @gastown-otel/launcher).
import { launch } from "@gastown-otel/launcher"

await launch("gt", new URL("../dist/gt.js", import.meta.url).href)
