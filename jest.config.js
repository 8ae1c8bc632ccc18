/** jest runs TypeScript through swc (types are checked by `tsc --noEmit` in `npm test`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.(t|j)s$": ["@swc/jest"] },
  // @middy/core ships only ES modules: let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ["/node_modules/(?!@middy/)"],
  setupFiles: ["<rootDir>/test/setup-env.ts"],
  testTimeout: 20000,
};
