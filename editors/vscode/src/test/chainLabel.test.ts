import * as assert from "node:assert/strict";
import { test } from "node:test";
import { chainLabel, shortNames } from "../chainLabel";

test("drops the prefix shared by the whole chain", () => {
  assert.equal(
    chainLabel([
      { policyId: "B2C_1A_Example_SignUpOrSignIn", uri: "file:///x/SignUpOrSignIn.xml" },
      { policyId: "B2C_1A_Example_Extensions", uri: "file:///x/TrustFrameworkExtensions.xml" },
      { policyId: "B2C_1A_Example_Base", uri: "file:///x/TrustFrameworkBase.xml" },
    ]),
    "SignUpOrSignIn ← Extensions ← Base",
  );
});

test("strips a leading TrustFramework and keeps underscores inside names", () => {
  assert.deepEqual(
    shortNames([
      "B2C_1A_signup_signin",
      "B2C_1A_TrustFrameworkExtensions",
      "B2C_1A_TrustFrameworkLocalization",
      "B2C_1A_TrustFrameworkBase",
    ]),
    ["signup_signin", "Extensions", "Localization", "Base"],
  );
});

test("compares prefixes case-insensitively", () => {
  assert.deepEqual(shortNames(["b2c_1a_ProfileEdit", "B2C_1A_TrustFrameworkExtensions"]), [
    "ProfileEdit",
    "Extensions",
  ]);
});

test("never empties a name", () => {
  assert.deepEqual(shortNames(["B2C_1A_Base", "B2C_1A_Base"]), ["Base", "Base"]);
  assert.deepEqual(shortNames(["B2C_1A_TrustFramework"]), ["TrustFramework"]);
  assert.deepEqual(shortNames(["MyPolicy"]), ["MyPolicy"]);
  assert.deepEqual(shortNames([]), []);
});

test("marks bases that were not found", () => {
  assert.equal(
    chainLabel([
      { policyId: "B2C_1A_signup_signin", uri: "file:///x/a.xml" },
      { policyId: "B2C_1A_TrustFrameworkExtensions", uri: null },
    ]),
    "signup_signin ← Extensions?",
  );
});
