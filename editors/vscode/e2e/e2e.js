// End-to-end test of the extension in a real VS Code (code-server) driven by Chromium.
// Started by run.sh, which installs code-server and the extension and sets:
//   B2C_E2E_URL          workbench URL with ?folder=<workspace>
//   B2C_E2E_WORKSPACE    the workspace folder (a copy of examples/ under examples/)
//   B2C_E2E_PROFILE      a fresh Chromium user-data-dir
//   B2C_E2E_CHROMIUM     Chromium executable (default /usr/bin/chromium)
//   B2C_E2E_SCREENSHOTS  where the screenshots go
//   B2C_E2E_EXTENSIONS   code-server's extensions folder
//   B2C_E2E_BUNDLED      "1" when the installed .vsix must run its own bundled server
// Checks what a user sees: the diagnostic on the undefined claim in the Problems panel,
// hover on a ClaimTypeReferenceId, go to definition into the base file, and completion of
// metadata keys, and B2C: Build policies on a folder with appsettings.json. Prints "VSCODE E2E
// OK" and exits 0, or prints the failure and exits 1.
"use strict";

const path = require("path");
const fs = require("fs");
const { execFileSync } = require("child_process");
const { chromium } = require("playwright-core");

const url = process.env.B2C_E2E_URL;
const shots = process.env.B2C_E2E_SCREENSHOTS;
const profile = process.env.B2C_E2E_PROFILE;
const executablePath = process.env.B2C_E2E_CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 60_000;

function say(message) {
  console.log(message);
}

async function main() {
  if (!url || !shots || !profile) {
    throw new Error("run this through run.sh (B2C_E2E_URL, B2C_E2E_SCREENSHOTS, B2C_E2E_PROFILE)");
  }
  fs.mkdirSync(shots, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  let step = "load the workbench";
  try {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".part.statusbar").waitFor();
    // The explorer shows the workspace once the folder is open.
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
    say("workbench loaded");

    const shot = async (name) => {
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shots, name) });
    };

    // Runs a command from the command palette by its label.
    const command = async (label) => {
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor();
      await input.fill(">" + label);
      await page
        .locator(".quick-input-widget .monaco-list-row", { hasText: label })
        .first()
        .waitFor();
      await page.keyboard.press("Enter");
      await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
    };

    const openFile = async (relative, tabLabel) => {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor();
      await input.fill(relative);
      await page
        .locator(".quick-input-widget .monaco-list-row", { hasText: tabLabel })
        .first()
        .waitFor();
      await page.keyboard.press("Enter");
      await activeTab(tabLabel);
      await page.locator(".editor-group-container.active .monaco-editor .view-lines").waitFor();
    };

    const activeTab = async (label) => {
      await page
        .locator(".editor-group-container.active .tab.active", { hasText: label })
        .waitFor();
    };

    const goTo = async (line, column) => {
      await page.keyboard.press("Control+G");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor();
      await input.fill(`:${line}:${column}`);
      await page.keyboard.press("Enter");
      await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
      await cursorAt(line, column);
    };

    const cursorAt = async (line, column) => {
      const want = column === undefined ? `Ln ${line},` : `Ln ${line}, Col ${column}`;
      await page
        .locator('[id="status.editor.selection"]', { hasText: want })
        .waitFor();
    };

    // 1. The undefined claim is reported: squiggle in the editor, row in Problems.
    step = "open examples/broken/SignUpOrSignIn.xml";
    await openFile("examples/broken/SignUpOrSignIn.xml", "SignUpOrSignIn.xml");
    step = "see the loyaltyPoints diagnostic in the Problems panel";
    await command("View: Focus Problems");
    const problem = page.locator(".markers-panel .monaco-list-row", {
      hasText: 'ClaimType "loyaltyPoints" is not defined',
    });
    await problem.first().waitFor();
    const problemText = await problem.first().innerText();
    say("problem: " + problemText.replace(/\s+/g, " ").trim());
    // The squiggle is drawn once its line is on screen.
    await goTo(31, 44);
    await page.locator(".monaco-editor .squiggly-error").first().waitFor();
    await shot("problems.png");

    // 2. Hover on the ClaimTypeReferenceId "objectId" (line 26).
    step = "hover on ClaimTypeReferenceId objectId";
    await goTo(26, 46);
    await command("Show or Focus Hover");
    const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content", {
      hasText: "objectId",
    });
    await hover.first().waitFor();
    const hoverText = await hover.first().innerText();
    say("hover: " + hoverText.replace(/\s+/g, " ").trim().slice(0, 200));
    await shot("hover.png");
    await page.keyboard.press("Escape");

    // 3. Go to definition lands on the ClaimType in the base file (line 25).
    step = "go to definition of objectId into TrustFrameworkBase.xml";
    await goTo(26, 46);
    await page.keyboard.press("F12");
    await activeTab("TrustFrameworkBase.xml");
    await cursorAt(25);
    const lineText = await page
      .locator(".editor-group-container.active .monaco-editor .view-line", {
        hasText: 'ClaimType Id="objectId"',
      })
      .first()
      .innerText();
    say("definition: TrustFrameworkBase.xml line 25: " + lineText.trim());
    await shot("definition.png");

    // 4. Metadata key completion inside a REST technical profile's Metadata.
    step = "complete a metadata key in examples/broken/TrustFrameworkExtensions.xml";
    await openFile("examples/broken/TrustFrameworkExtensions.xml", "TrustFrameworkExtensions.xml");
    // Line 31 is `            <Item Key="ServiceUrl">`: ask for completions at the start of
    // the key (column 24), as a user does to see which keys the profile's type knows.
    await goTo(31, 24);
    await page.keyboard.press("Control+Space");
    const suggest = page.locator(".editor-widget.suggest-widget.visible");
    await suggest.waitFor();
    const item = suggest.locator(".monaco-list-row", { hasText: "AllowInsecureAuthInProduction" });
    await item.first().waitFor();
    const labels = await suggest.locator(".monaco-list-row .label-name").allInnerTexts();
    say("completion: " + labels.slice(0, 8).join(", "));
    await shot("completion.png");
    await page.keyboard.press("Escape");

    // 5. B2C: Build policies on a folder with appsettings.json: two environments written, the
    // third reported with its missing values, the files where the layout puts them.
    // The active file is outside it: the command finds the one folder with appsettings.json
    // below the workspace root.
    step = "run B2C: Build policies on build-demo";
    await command("B2C: Build policies");
    const toast = page.locator(".notifications-toasts .notification-toast", {
      hasText: "built Test, Production",
    });
    await toast.first().waitFor();
    const summary = (await toast.first().innerText()).replace(/\s+/g, " ").trim();
    say("build: " + summary);
    if (!summary.includes("Broken not written")) {
      throw new Error("the build summary does not name the environment it could not write: " + summary);
    }
    const workspace = process.env.B2C_E2E_WORKSPACE;
    for (const environment of ["Test", "Production"]) {
      const built = path.join(workspace, "build-demo", "Environments", environment, "TrustFrameworkBase.xml");
      if (!fs.existsSync(built)) {
        throw new Error("the build wrote no " + built);
      }
    }
    if (fs.existsSync(path.join(workspace, "build-demo", "Environments", "Broken"))) {
      throw new Error("the environment without values was written");
    }
    await shot("build.png");

    // 6. The server that answers is the one inside the .vsix (B2C_E2E_BUNDLED: no serverPath
    // setting, no b2c-lsp on PATH), and the diagnostics of step 1 came from it.
    if (process.env.B2C_E2E_BUNDLED === "1") {
      step = "see the bundled server running";
      const extensions = process.env.B2C_E2E_EXTENSIONS;
      const running = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(`${extensions}/`) && /\/server\/[a-z0-9]+-[a-z0-9]+\/b2c-lsp serve/.test(line));
      if (running.length === 0) {
        throw new Error("no b2c-lsp from the extension's server/<platform>/ folder is running");
      }
      say("bundled server: " + running[0].trim().slice(extensions.length + 1));
    }

    {
      // 7. B2C: Show journey draws the relying party's journey with the bundled Mermaid,
      // redraws it when the policy changes, and a click on a step opens its definition.
      step = "show the journey of examples/SignUpOrSignIn.xml";
      // From the explorer: examples/SignUpOrSignIn.xml is the one at the second level (the
      // one under broken/ is at the third).
      await page
        .locator('.explorer-folders-view .monaco-list-row[aria-level="2"]', { hasText: "SignUpOrSignIn.xml" })
        .first()
        .click();
      await activeTab("SignUpOrSignIn.xml");
      await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().click();
      await command("B2C: Show journey");
      // code-server puts a webview in an iframe holding the page's own iframe.
      const journey = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
      const stepNodes = journey.locator("#diagram svg g.node.b2c-step");
      // Waits up to 20 s for the drawing to show `count` step nodes.
      const expectSteps = async (count) => {
        for (let tries = 0; ; tries++) {
          const seen = await stepNodes.count();
          if (seen === count) {
            return;
          }
          if (tries > 200) {
            throw new Error(`the diagram shows ${seen} step nodes, expected ${count}`);
          }
          await page.waitForTimeout(100);
        }
      };
      await journey.locator("#diagram svg").waitFor();
      await expectSteps(8);
      const labels = (await stepNodes.allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
      say("journey: " + labels.join(" | "));
      // Room for the drawing in the screenshot: the bottom panel hidden (a later step that
      // needs it opens it by its own command).
      if (await page.locator(".part.panel").first().isVisible()) {
        await command("View: Toggle Panel Visibility");
        await page.locator(".part.panel").first().waitFor({ state: "hidden" });
      }
      await command("Notifications: Clear All Notifications");
      await shot("journey.png");

      step = "see the journey redrawn after an edit of the relying party";
      // Line 22: <DefaultUserJourney ReferenceId="SignUpOrSignInWithConsent" />; the base's
      // SignUpOrSignIn journey has four steps.
      await goTo(22, 38);
      await page.keyboard.press("Control+Shift+ArrowRight");
      await page.keyboard.type("SignUpOrSignIn");
      await expectSteps(4);
      await page.keyboard.press("Control+Z");
      await expectSteps(8);
      say("journey redrawn: 4 steps after the edit, 8 after undo");

      step = "open a step's definition from the diagram";
      await journey.locator('#diagram g.b2c-step[data-step="p0s4"]').click();
      await activeTab("TrustFrameworkExtensions.xml");
      await cursorAt(273);
      say("journey click: TrustFrameworkExtensions.xml line 273");
    }

    say("VSCODE E2E OK");
  } catch (error) {
    say(`VSCODE E2E FAIL while trying to ${step}: ${error.message.split("\n")[0]}`);
    try {
      await page.screenshot({ path: path.join(shots, "failure.png") });
      say("screenshot of the failure: " + path.join(shots, "failure.png"));
    } catch {
      // the page is gone
    }
    process.exitCode = 1;
  } finally {
    await context.close();
  }
}

main().catch((error) => {
  say("VSCODE E2E FAIL: " + error.message);
  process.exitCode = 1;
});
