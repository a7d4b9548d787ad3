// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/**", "node_modules/**", "server/**", "media/vendor/**", "*.vsix"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      curly: "error",
    },
  },
  {
    files: ["scripts/**/*.js", "e2e/**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", __dirname: "readonly", process: "readonly", console: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The journey panel's page script, run in the webview next to the bundled Mermaid.
    files: ["media/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        acquireVsCodeApi: "readonly",
        mermaid: "readonly",
        document: "readonly",
        window: "readonly",
      },
    },
  },
);
