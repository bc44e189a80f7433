// The explorer's script is plain JavaScript for the browser (no build step): `make lint` checks it.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["src/analysis/publish/explorer/static/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.browser } },
    rules: { "no-unused-vars": "error", eqeqeq: "error", "prefer-const": "error", "no-var": "error" },
  },
];
