// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
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
    rules: { "@typescript-eslint/no-explicit-any": "off" },
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
      ],
    },
  },
  {
    // Evaluators are shared with the Lambdas and the policy pack: they must stay free of
    // Pulumi and AWS SDK imports, or the Lambda bundle breaks (Pulumi packages are excluded).
    files: ["functions/rules/**/*.ts", "functions/remediation/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: ["@pulumi/*", "@aws-sdk/*", "../handlers/*", "../shared/*", "../remediation/*"],
        },
      ],
    },
  },
);
