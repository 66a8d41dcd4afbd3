import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "gt",
    include: ["test/**/*.test.ts"]
  }
})
