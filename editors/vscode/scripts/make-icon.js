// Draws media/icon.png (128x128, transparent) from media/icon.svg in headless Chromium,
// driven by playwright-core (the end-to-end test's; e2e/run.sh --install puts it in its cache):
//   NODE_PATH=~/.cache/b2c-lsp-e2e/playwright-core-1.65.1/node_modules node scripts/make-icon.js
// The PNG is committed; run this again after editing the SVG.
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

async function main() {
  const media = path.resolve(__dirname, "..", "media");
  const svg = fs.readFileSync(path.join(media, "icon.svg"), "utf8");
  const browser = await chromium.launch({
    executablePath: process.env.B2C_E2E_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
    await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator("svg").screenshot({ path: path.join(media, "icon.png"), omitBackground: true });
  } finally {
    await browser.close();
  }
  console.log("make-icon: wrote media/icon.png");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
