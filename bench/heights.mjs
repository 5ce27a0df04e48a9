// How tall pages are on a 360x740 phone, in screens (#15: no page in the cooperative's flow
// taller than about 10). Signs in through the API as PHONE/PASSWORD and prints, for each path,
// the document's height in pixels and in 740-px screens.
//
//   PHONE=… PASSWORD=… node bench/heights.mjs http://127.0.0.1:3311 /coop /shifts/12 …
//
// Needs Playwright from end2end/node_modules and a running server. Run from the repository root.
import { createRequire } from "node:module";
const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const context = await browser.newContext({
  viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: "zh-CN",
});
const login = await context.request.post(`${base}/api/v1/auth/login`, {
  data: { phone: process.env.PHONE, password: process.env.PASSWORD },
});
if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);
const page = await context.newPage();
console.log(`${"page".padEnd(40)}${"px".padStart(8)}${"screens".padStart(9)}`);
for (const path of paths) {
  await page.goto(base + path);
  const px = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`${path.padEnd(40)}${String(px).padStart(8)}${(px / 740).toFixed(1).padStart(9)}`);
}
await browser.close();
