// What every test project's config shares. Tests import the workspace packages from their
// TypeScript sources (the `@gastown-otel/source` export condition), so they need no build.
// Vitest also hands these conditions to Node for the dependencies it does not transform:
// hence no bundler-only `module` condition among Vite's defaults. Programs the tests
// start run the built bundles.
export const sources = {
  ssr: { resolve: { conditions: ["@gastown-otel/source", "node", "development|production"] } }
}
