// The test projects, one per package. vitest.config.ts feeds this list to
// `test.projects`: vitest 5 does not read a workspace file on its own.
export default ["packages/*", "examples/*", "test"]
