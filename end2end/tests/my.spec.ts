// #7: the farmer's phone. "我的日历" after signing in, the English switch (remembered), the
// calendar download, offline reading, and every main page at 360 px without sideways scrolling
// (the wall chart excepted), with a screenshot of each kept in the test report.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { AGRONOMIST, COOPERATIVE, FARMER, WORKER, signIn } from "./helpers";

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

test("a farmer signs in to their calendar: crops, next shift, pay; English and back; the .ics", async ({ page }, info) => {
  await page.goto("/login");
  await page.getByLabel("手机号").fill(FARMER.phone);
  await page.getByLabel("密码").fill(FARMER.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/my$/);
  await expect(page.getByRole("heading", { name: "我的日历", level: 1 })).toBeVisible();
  const next = page.locator(".next-shift");
  await expect(next).toContainText("移栽");
  await expect(next).toContainText("地块 1-010");
  const crops = page.locator(".crop-list li");
  await expect(crops.first()).toContainText("地块 1-010");
  await expect(crops.first()).toContainText("预计采收");
  await expect(page.locator(".month-grid td.today")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "我的收入" })).toBeVisible();
  // No wasm is loaded for this page: it is complete as HTML.
  expect(await page.locator('script[src*="tianlian"], link[href$=".wasm"]').count()).toBe(0);
  await shot(page, info, "my-zh");

  // The harvest month from the crop's link: the Spring Festival is marked.
  await crops.first().getByRole("link", { name: "在日历上看" }).click();
  await expect(page).toHaveURL(/\/my\?m=\d{4}-\d{2}$/);

  await page.goto("/my?m=2027-02");
  await expect(page.locator(".month-grid .festival")).toHaveText("春节");
  await expect(page.locator(".month-grid .term-name")).toHaveText(["立春", "雨水"]);

  // English, remembered across pages and reloads, then back to Chinese.
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "My calendar", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/my\?m=2027-02$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.goto("/my");
  await expect(page.locator(".next-shift")).toContainText("Transplanting");
  await shot(page, info, "my-en");
  await page.getByRole("link", { name: "中文" }).click();
  await expect(page.getByRole("heading", { name: "我的日历", level: 1 })).toBeVisible();

  // The calendar feed: turned on from "my pay" and downloaded as a file.
  await page.getByRole("link", { name: "全部收入明细与日历订阅" }).click();
  await expect(page).toHaveURL(/\/my\/pay$/);
  const feedButton = page.getByRole("button", { name: /开启日历订阅|生成新链接/ });
  await feedButton.click();
  const link = page.locator(".feed-url a");
  await expect(link).toBeVisible();
  const download = page.waitForEvent("download");
  await link.click();
  const file = await (await download).path();
  const ics = await readFile(file!, "utf8");
  expect(ics).toContain("BEGIN:VCALENDAR");
  expect(ics).toContain("移栽");
});

test("the last loaded calendar stays readable offline", async ({ page, context, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "a service worker needs JavaScript");
  await signIn(page, FARMER, "/my");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // The worker controls the page from the next load on; that load is kept.
  await page.reload();
  await expect
    .poll(() => page.evaluate(() => caches.open("tianlian-v2").then((c) => c.match("/my")).then((r) => !!r)))
    .toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: "我的日历", level: 1 })).toBeVisible();
  await expect(page.locator(".next-shift")).toContainText("移栽");
  await context.setOffline(false);
});

/** The main pages of each role; the wall chart may scroll sideways by design. */
const PAGES: Array<[{ phone: string; password: string }, string[]]> = [
  [FARMER, ["/my", "/my/pay", "/plots", "/targets", "/market", "/forecast", "/login"]],
  [WORKER, ["/my", "/my/pay"]],
  [AGRONOMIST, ["/plots", "/plots/1", "/targets", "/wallchart", "/market", "/forecast", "/import", "/coop", "/benefit", "/account/password"]],
  [COOPERATIVE, ["/coop", "/benefit", "/plots", "/targets", "/market"]],
];

test("every main page fits a 360 px phone (the wall chart excepted), with a screenshot of each", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const narrow = info.project.use.viewport?.width === 360;
  for (const [who, main] of PAGES) {
    const paths = [...main];
    const context = await browser.newContext({ ...info.project.use, baseURL: info.project.use.baseURL });
    const page = await context.newPage();
    await signIn(page, who, paths[0]);
    if (who === COOPERATIVE) {
      // The cooperative's busiest phone page: one shift, with its hours inputs.
      await page.goto("/coop");
      paths.push((await page.locator('a[href^="/shifts/"]').first().getAttribute("href"))!);
    }
    for (const path of paths) {
      if (path === "/login") {
        await context.clearCookies();
      }
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await shot(page, info, `${who.phone}${path.replace(/\//g, "_")}`);
      if (narrow && path !== "/wallchart") {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} scrolls sideways by ${overflow}px for ${who.phone}`).toBeLessThanOrEqual(0);
      }
    }
    await context.close();
  }
});
