import { defineProject } from "vitest/config"
import { sources } from "../../vitest.shared.ts"

export default defineProject({
  ...sources,
  test: {
    name: "telemetry",
    include: ["test/**/*.test.ts"],
    // The load tests measure memory still live after a collection, not garbage.
    execArgv: ["--expose-gc"]
  }
})
