import * as assert from "node:assert/strict";
import { test } from "node:test";
import { nextTarget } from "../journeyTarget";

test("a relying-party view follows the active editor to another policy", () => {
  const current = { uri: "file:///p/SignUpOrSignIn.xml" };
  assert.deepEqual(nextTarget(current, { uri: "file:///p/ProfileEdit.xml" }), { uri: "file:///p/ProfileEdit.xml" });
});

test("a journey asked for by name stays when the editor changes", () => {
  const current = { uri: "file:///p/TrustFrameworkBase.xml", journey: "SignUpOrSignIn" };
  assert.equal(nextTarget(current, { uri: "file:///p/ProfileEdit.xml" }), current);
});

test("an editor that holds no policy file changes nothing", () => {
  const current = { uri: "file:///p/SignUpOrSignIn.xml" };
  assert.equal(nextTarget(current, undefined), current);
  assert.equal(nextTarget(undefined, undefined), undefined);
});

test("the same file keeps the same target", () => {
  const current = { uri: "file:///p/SignUpOrSignIn.xml" };
  assert.equal(nextTarget(current, { uri: "file:///p/SignUpOrSignIn.xml" }), current);
});
