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
// metadata keys, B2C: Build policies on a folder with appsettings.json, a quick fix chosen from
// the Ctrl+. menu, "Override in <file>" with the cursor put inside the new element, and
// formatting, folding and semantic colouring of a policy. Prints "VSCODE E2E OK" and exits 0,
// or prints the failure and exits 1.
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

    // Quick fix through the UI: a relying party with a misspelt claim (written here, so the
    // block depends on no other step's file), Ctrl+. on it, the did-you-mean fix chosen from
    // the menu, and the Problems entry goes away.
    step = "apply the did-you-mean quick fix on a misspelt claim";
    {
      const examples = path.join(process.env.B2C_E2E_WORKSPACE, "examples");
      const misspelt = fs
        .readFileSync(path.join(examples, "SignUpOrSignIn.xml"), "utf8")
        .replace(/B2C_1A_Example_SignUpOrSignIn/g, "B2C_1A_Example_QuickFix")
        .replace('ClaimTypeReferenceId="displayName"', 'ClaimTypeReferenceId="dispalyName"');
      if (!misspelt.includes("dispalyName")) {
        throw new Error("examples/SignUpOrSignIn.xml no longer reads displayName");
      }
      fs.writeFileSync(path.join(examples, "QuickFix.xml"), misspelt);
      await openFile("examples/QuickFix.xml", "QuickFix.xml");
      await command("View: Focus Problems");
      // The Problems list is virtual: filter it, so that the row is drawn wherever it sorts.
      const problemsFilter = page.getByPlaceholder(/^Filter \(e\.g\. text/);
      await problemsFilter.fill("dispalyName");
      const misspeltProblem = page.locator(".markers-panel .monaco-list-row", {
        hasText: 'ClaimType "dispalyName" is not defined',
      });
      await misspeltProblem.first().waitFor();
      say("problem: " + (await misspeltProblem.first().innerText()).replace(/\s+/g, " ").trim());
      // Line 33: `        <OutputClaim ClaimTypeReferenceId="dispalyName" />`, the id at column 44.
      await goTo(33, 46);
      await page.keyboard.press("Control+.");
      const fix = page.locator(".action-widget .monaco-list-row", {
        hasText: 'Change to "displayName"',
      });
      await fix.first().waitFor();
      const offered = await page.locator(".action-widget .monaco-list-row").allInnerTexts();
      say("quick fixes: " + offered.map((t) => t.replace(/\s+/g, " ").trim()).join(" | "));
      await shot("quickfix.png");
      // The first fix, the did-you-mean, has the focus.
      await page.keyboard.press("Enter");
      await misspeltProblem.first().waitFor({ state: "hidden" });
      await page
        .locator(".editor-group-container.active .monaco-editor .view-line", {
          hasText: 'ClaimTypeReferenceId="displayName"',
        })
        .first()
        .waitFor();
      say("quick fix applied: the dispalyName problem is gone");
      await page.keyboard.press("Control+S");
      await problemsFilter.fill("");
      // Back to the editor: keys typed next must not go to the filter box.
      await page.locator(".editor-group-container.active .monaco-editor .view-lines").click();

      // "Override in <file>" from a base ClaimType: the element is written into the
      // extensions file, and the server's showDocument puts the cursor inside it.
      step = "override a base ClaimType in TrustFrameworkExtensions.xml";
      const extensionsLines = fs
        .readFileSync(path.join(examples, "TrustFrameworkExtensions.xml"), "utf8")
        .split("\n");
      // The new ClaimType goes after the last one, before </ClaimsSchema>; the cursor on the
      // blank line inside it, one indentation level in (8 spaces).
      const schemaEnd = extensionsLines.findIndex((l) => l.includes("</ClaimsSchema>")) + 1;
      // Quick Open by hand: the list settles a moment after the query is typed.
      await page.keyboard.press("Control+P");
      const quickOpen = page.locator(".quick-input-widget input");
      await quickOpen.waitFor();
      await quickOpen.fill("examples/TrustFrameworkBase.xml");
      await page
        .locator(".quick-input-widget .monaco-list-row", { hasText: "TrustFrameworkBase.xml" })
        .first()
        .waitFor();
      await page.waitForTimeout(1500);
      await page.keyboard.press("Enter");
      await activeTab("TrustFrameworkBase.xml");
      // Line 25: `      <ClaimType Id="objectId">`.
      await goTo(25, 8);
      await page.keyboard.press("Control+.");
      const actions = page.locator(".action-widget .monaco-list-row.action");
      await actions.first().waitFor();
      const titles = (await actions.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
      say("actions on the base ClaimType: " + titles.join(" | "));
      const index = titles.findIndex((t) => t === "Override in TrustFrameworkExtensions.xml");
      if (index < 0) {
        throw new Error("no Override in TrustFrameworkExtensions.xml among " + titles.join(" | "));
      }
      for (let i = 0; i < index; i++) {
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Enter");
      await activeTab("TrustFrameworkExtensions.xml");
      await cursorAt(schemaEnd + 1, 9);
      await page
        .locator(".editor-group-container.active .monaco-editor .view-line", {
          hasText: 'ClaimType Id="objectId"',
        })
        .first()
        .waitFor();
      say(`override written; cursor at Ln ${schemaEnd + 1}, Col 9 of TrustFrameworkExtensions.xml`);
      await shot("override.png");
      // Leave the file as it was for the steps after this one (the journey step clicks
      // through to a line of it).
      step = "undo the override";
      await page.keyboard.press("Control+Z");
      await page
        .locator(".editor-group-container.active .monaco-editor .view-line", {
          hasText: 'ClaimType Id="objectId"',
        })
        .first()
        .waitFor({ state: "detached" });
    }

    // Editor features (issue 16): formatting, folding and semantic colouring of a policy
    // written flush left, so that every fold comes from the server, not from indentation.
    // The functions given to waitForFunction run in the page:
    /* global document, getComputedStyle */
    {
      step = "open editor-features/Unformatted.xml";
      const demo = path.join(process.env.B2C_E2E_WORKSPACE, "editor-features", "Unformatted.xml");
      fs.mkdirSync(path.dirname(demo), { recursive: true });
      fs.writeFileSync(demo, [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="B2C_1A_EditorDemo" PublicPolicyUri="http://contoso.onmicrosoft.com/B2C_1A_EditorDemo">',
        "<BuildingBlocks>",
        "<ClaimsSchema>",
        '<ClaimType Id="email">',
        "<DisplayName>Email</DisplayName>",
        "<DataType>string</DataType>",
        "</ClaimType>",
        "</ClaimsSchema>",
        "</BuildingBlocks>",
        "<ClaimsProviders>",
        "<ClaimsProvider>",
        "<DisplayName>Demo</DisplayName>",
        "<TechnicalProfiles>",
        '<TechnicalProfile Id="Demo-Check">',
        "<DisplayName>Check</DisplayName>",
        '<Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />',
        "<Metadata>",
        '<Item Key="ServiceUrl">https://api.contoso.com/check</Item>',
        '<Item Key="AuthenticationType">None</Item>',
        "</Metadata>",
        "<InputClaims>",
        '<InputClaim ClaimTypeReferenceId="email" PartnerClaimType="mail" DefaultValue="{Context:CorrelationId}" />',
        "</InputClaims>",
        "</TechnicalProfile>",
        "</TechnicalProfiles>",
        "</ClaimsProvider>",
        "</ClaimsProviders>",
        "</TrustFrameworkPolicy>",
        "",
      ].join("\n"));
      await openFile("editor-features/Unformatted.xml", "Unformatted.xml");
      const editor = page.locator(".editor-group-container.active .monaco-editor");

      step = "see folding chevrons from the server on a file without indentation";
      await editor.locator(".margin-view-overlays .codicon-folding-expanded").first().waitFor({ state: "attached" });
      const chevrons = await editor.locator(".margin-view-overlays .codicon-folding-expanded").count();
      say(`folding: ${chevrons} chevrons on the flush-left file`);

      step = "format the document";
      await command("Format Document");
      await page.waitForFunction(() => {
        const lines = [...document.querySelectorAll(".editor-group-container.active .monaco-editor .view-line")];
        const line = lines.find((l) => l.textContent.includes("<BuildingBlocks>"));
        return line !== undefined && /^[\s\u00a0]+<BuildingBlocks>/.test(line.textContent);
      });
      say("format: <BuildingBlocks> is indented now");

      step = "see the claim reference coloured apart from a plain attribute value";
      // More lines of the editor on screen (and in the screenshot) without the panel.
      if (await page.locator(".part.panel").isVisible()) {
        await command("View: Toggle Panel Visibility");
        await page.locator(".part.panel").waitFor({ state: "hidden" });
      }
      await goTo(24, 1);
      // On the line `<InputClaim ClaimTypeReferenceId="email" PartnerClaimType="mail"
      // DefaultValue="{Context:CorrelationId}" />`: Monaco gives a value its own span once a
      // semantic token covers it; the plain "mail" keeps the XML grammar's colour. The inlay
      // hint ": string" follows the claim.
      const spanColours = () => {
        const line = [...document.querySelectorAll(".editor-group-container.active .monaco-editor .view-line")]
          .find((l) => l.textContent.includes('PartnerClaimType="mail"'));
        if (!line) {
          return null;
        }
        const spans = [...line.querySelectorAll("span span")];
        const colour = (text) => {
          const span = spans.find((s) => s.textContent === text);
          return span ? getComputedStyle(span).color : null;
        };
        return {
          claim: colour("email"),
          resolver: colour("{Context:CorrelationId}"),
          plain: colour('"mail"'),
          spans: spans.map((s) => s.textContent),
        };
      };
      const coloured = await page
        .waitForFunction((probe) => {
          const found = eval(probe)();
          // The claim takes the theme's variable colour; the resolver is at least a token of
          // its own (not every theme colours macros).
          return found && found.claim && found.resolver && found.plain && found.claim !== found.plain
            ? found
            : false;
        }, `(${spanColours})`, { timeout: 30_000 })
        .catch(async (error) => {
          say("spans: " + JSON.stringify(await page.evaluate((probe) => eval(probe)(), `(${spanColours})`)));
          throw error;
        });
      const colours = await coloured.jsonValue();
      say(`semantic colouring: claim ${colours.claim}, resolver ${colours.resolver}, plain value ${colours.plain}`);
      step = "see the DataType inlay hint after the claim reference";
      // Monaco draws the hint's spaces as non-breaking ones.
      if (!colours.spans.some((text) => text.replace(/\u00a0/g, " ").trim() === ": string")) {
        throw new Error("no ': string' hint on the line: " + JSON.stringify(colours.spans));
      }
      await shot("editor-features.png");

      step = "fold everything";
      await command("Fold All");
      await editor.locator(".margin-view-overlays .codicon-folding-collapsed").first().waitFor({ state: "attached" });
      await command("Unfold All");
    }

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
