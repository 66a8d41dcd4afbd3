import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "receiver",
    include: ["test/**/*.test.ts"]
  }
})
