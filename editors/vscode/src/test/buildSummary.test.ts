import * as assert from "node:assert/strict";
import { test } from "node:test";
import { buildDetails, buildSummary, EnvironmentReport } from "../buildSummary";

const report: EnvironmentReport[] = [
  {
    environment: "Test",
    written: true,
    folder: "/p/Environments/Test",
    uploadOrder: [
      { file: "TrustFrameworkBase.xml", policyId: "B2C_1A_TrustFrameworkBase" },
      { file: "sub/SignUpOrSignin.xml", policyId: "B2C_1A_signup_signin" },
    ],
    errors: [],
  },
  {
    environment: "Production",
    written: false,
    folder: "/p/Environments/Production",
    uploadOrder: [],
    errors: [{ file: "TrustFrameworkBase.xml", line: 10, column: 35, message: "{Settings:AppId} has no value" }],
  },
];

test("names what was built and what was not", () => {
  assert.equal(buildSummary(report), "B2C: built Test; Production not written: 1 placeholder without a value");
  assert.equal(buildSummary([]), "B2C: nothing to build");
});

test("lists the upload order and each error with its place", () => {
  assert.deepEqual(buildDetails("/p", report), [
    "Test: written to /p/Environments/Test; upload order:",
    "  1. TrustFrameworkBase.xml (B2C_1A_TrustFrameworkBase)",
    "  2. sub/SignUpOrSignin.xml (B2C_1A_signup_signin)",
    "Production: not written",
    "  /p/TrustFrameworkBase.xml:10:35: {Settings:AppId} has no value",
  ]);
});
