// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "policies/node_modules/", "bin/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Async handlers with mode switches: a forgotten await or an unhandled mode is a bug.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.object.name=/^(it|describe)$/][callee.property.name=/^(only|skip)$/]",
          message: "No focused or skipped tests in the repository.",
        },
      ],
    },
  },
  {
    // Tests read parsed JSON documents (IAM policies, events) field by field.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Everything under functions/ is serialized into Lambdas by Pulumi's closure serializer,
    // which drops class fields and cannot construct Error subclasses: plain functions only.
    files: ["functions/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ClassDeclaration", message: "No classes in serialized Lambda code." },
        { selector: "ClassExpression", message: "No classes in serialized Lambda code." },
        {
          // Pulumi serializes what a handler captures by value and cannot serialize a Map or Set.
          selector:
            "Program > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Weak)?(Map|Set)$/]",
          message: "No module-level Map or Set in serialized Lambda code: make it per call.",
        },
      ],
    },
  },
  {
    // Evaluators and planners are shared with the Lambdas, the policy pack and the offline
    // evaluation: they must stay free of Pulumi and AWS SDK imports (Pulumi packages are left
    // out of the Lambda bundle), and of the handlers and definitions that do I/O.
    files: [
      "functions/rules/*.ts",
      "functions/rules/*/evaluate.ts",
      "functions/remediation/*/plan.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@pulumi/*", "@aws-sdk/*", "**/handler", "**/shared/*", "**/index"] },
      ],
    },
  },
);
