import * as assert from "node:assert/strict";
import { test } from "node:test";
import { settingProblems, SettingsProbe } from "../settingsCheck";

const probe: SettingsProbe = {
  expand: (raw) => (raw.startsWith("/") ? raw : `/ws/${raw}`),
  isFolder: (path) => path === "/ws/base" || path === "/starter",
  isExecutable: (path) => path === "/bin/b2c-lsp",
};

test("good and default values raise nothing", () => {
  assert.deepEqual(settingProblems({ serverPath: "", basePaths: [], trace: "off" }, probe), []);
  assert.deepEqual(settingProblems({ serverPath: undefined, basePaths: undefined, trace: undefined }, probe), []);
  assert.deepEqual(
    settingProblems({ serverPath: "/bin/b2c-lsp", basePaths: ["base", "/starter", " "], trace: "verbose" }, probe),
    [],
  );
});

test("each bad value is named with what was expected", () => {
  assert.deepEqual(settingProblems({ serverPath: "/nowhere/b2c-lsp", basePaths: ["missing", 7], trace: "loud" }, probe), [
    'b2cLsp.serverPath is "/nowhere/b2c-lsp", but /nowhere/b2c-lsp is not an executable file.',
    'b2cLsp.basePaths holds "missing", but /ws/missing is not a folder.',
    "b2cLsp.basePaths holds 7, which is not a folder path (a string).",
    'b2cLsp.trace.server is "loud"; it must be one of off, messages, verbose.',
  ]);
});

test("values of the wrong type are reported, not thrown on", () => {
  assert.deepEqual(settingProblems({ serverPath: 3, basePaths: "base", trace: "off" }, probe), [
    "b2cLsp.serverPath must be a path (a string), not 3.",
    'b2cLsp.basePaths must be a list of folders, not "base".',
  ]);
});
