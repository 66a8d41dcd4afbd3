import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "bd",
    include: ["test/**/*.test.ts"]
  }
})
