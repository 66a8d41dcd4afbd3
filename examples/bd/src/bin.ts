#!/usr/bin/env node
// placeholder until the CLI lands
