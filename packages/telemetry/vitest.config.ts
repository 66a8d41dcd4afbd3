import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "telemetry",
    include: ["test/**/*.test.ts"],
    // The load tests measure memory still live after a collection, not garbage.
    execArgv: ["--expose-gc"]
  }
})
