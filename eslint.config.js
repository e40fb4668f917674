// @ts-check
/**
 * Lint rules of the whole repository (`npm run lint`, part of `npm test`).
 * Besides typescript-eslint and the React hooks rules, the import boundaries keep every workflow in
 * `core/`: the core imports nothing outside itself, the server never imports the web app, and a
 * client (web, CLI) never reaches into another client. Benchmarks import nothing from `test/`.
 */
import js from "@eslint/js";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Top-level folders and who may import them (everything not listed may import anything). */
const AREAS = ["core", "server", "web", "cli", "local-stack", "harness", "test", "scripts", "bench", "ignition", "indexer"];
const others = (...allowed) => AREAS.filter((area) => !allowed.includes(area)).map((area) => `./${area}`);

const zones = [
  { target: "./core", from: others("core"), message: "core/ is the domain: it imports nothing outside core/ (move the code into core, or inject it)." },
  { target: "./server", from: others("server", "core"), message: "server/ depends on core/ only (never on the web app or another client)." },
  {
    target: "./web",
    from: others("web", "core", "server"),
    message: "The web app presents core/ workflows; it never imports another client, the local stack or tests.",
  },
  {
    target: "./cli",
    from: others("cli", "core", "server"),
    message: "The CLI presents core/ workflows; it never imports another client, the local stack or tests.",
  },
  {
    target: "./bench",
    from: ["./test", "./web", "./cli"],
    message: "Benchmarks import nothing from test/ or the clients: share infrastructure through harness/ or local-stack/.",
  },
  {
    target: "./local-stack",
    from: ["./test", "./web", "./cli", "./bench"],
    message: "The local stack is infrastructure: it imports core/, server/ and ignition/ only.",
  },
  { target: "./harness", from: ["./test", "./bench"], message: "The harness serves tests and benchmarks; it imports neither." },
  {
    target: "./indexer",
    from: others("indexer", "core"),
    message: "The indexer (Ponder) depends on core/ only; everyone else reaches it over its HTTP API (core/indexer/client.ts).",
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "web/.next/**",
      "web/public/**",
      "artifacts/**",
      "cache/**",
      "coverage/**",
      "types/**",
      "core/contract/generated/**",
      "test-results/**",
      ".data/**",
      "**/*.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2024, sourceType: "module" },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["./tsconfig.json", "./web/tsconfig.json"], noWarnOnMultipleProjects: true })],
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "import-x/no-restricted-paths": ["error", { zones }],
      "import-x/no-unresolved": "error",
      "import-x/no-cycle": ["error", { maxDepth: 4 }],
      "import-x/no-duplicates": "error",
      "import-x/no-relative-packages": "error",
      // Deep relative imports across folders use the #area/… aliases of package.json "imports".
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(\\.\\./){2,}", message: 'Use the #core/…, #server/… (package.json "imports") alias instead of ../../.' }] },
      ],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["web/**/*.tsx", "web/**/*.ts"],
    ...reactHooks.configs.flat["recommended-latest"],
  },
  {
    files: ["indexer/**/*.ts"],
    rules: {
      // Ponder's virtual modules (ponder:registry, ponder:schema, ponder:api) exist only inside Ponder's build.
      "import-x/no-unresolved": ["error", { ignore: ["^ponder:"] }],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // chai's `expect(x).to.be.true` style.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
);
