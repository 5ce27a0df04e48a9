// County scale (#16): an admin starts from the county overview, goes to a township's plots, and
// pages and searches the list; the benefit report pages and searches too. Every list is a page
// of at most 100 rows with plain links and GET forms, so it works the same without JavaScript.
import { expect, test } from "@playwright/test";
import { ADMIN, AGRONOMIST, signIn } from "./helpers";

test("an admin goes from the county overview to a township's plots and pages through them", async ({ page }, info) => {
  await signIn(page, ADMIN, "/county");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("县级总览");
  const table = page.locator(".county-table");
  await expect(table.getByRole("rowheader", { name: "全县" })).toBeVisible();
  await page.screenshot({ path: info.outputPath("county.png"), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "only the table scrolls sideways").toBeLessThanOrEqual(0);

  await table.getByRole("link", { name: "飞虹乡" }).click();
  await expect(page).toHaveURL(/\/plots\?township=\d+$/);
  const total = page.locator(".list-total");
  await expect(total).toContainText(/共 \d+ 块/);
  const cards = page.locator(".plot-card");
  await expect(cards).toHaveCount(50);
  const first = await cards.first().locator(".plot-code").textContent();
  await page.getByRole("link", { name: "下一页 ›" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(total).toContainText("第 2 / ");
  expect(await cards.first().locator(".plot-code").textContent()).not.toBe(first);

  // Search keeps the township; a plot code finds the plot.
  await page.getByRole("searchbox").fill("1-010");
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/township=\d+.*q=1-010/);
  await expect(page.getByRole("link", { name: "地块 1-010" }).first()).toBeVisible();
  expect(await cards.count()).toBeLessThanOrEqual(2);
  await expect(total).toContainText(/共 [12] 块/);
});

test("an agronomist narrows the plots to a crop in a status", async ({ page }) => {
  await signIn(page, AGRONOMIST, "/plots");
  await page.getByLabel("作物").last().selectOption({ label: "莴笋" });
  await page.getByLabel("状态").selectOption({ value: "planted" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/crop=celtuce/);
  await expect(page).toHaveURL(/status=planted/);
  const cards = page.locator(".plot-card");
  const n = await cards.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < Math.min(n, 5); i++) {
    await expect(cards.nth(i)).toContainText("莴笋");
  }
});

test("the benefit report shows 100 households a page and finds one by name", async ({ page }) => {
  await signIn(page, ADMIN, "/benefit");
  await expect(page.locator(".list-total")).toContainText(/共 \d+ 户/);
  const rows = page.locator(".benefit-table tbody tr");
  expect(await rows.count()).toBeLessThanOrEqual(100);
  const name = (await rows.first().locator("td").first().textContent())!.replace("贫困户", "").trim();
  await page.getByRole("searchbox").fill(name);
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(rows.first()).toContainText(name);
  await page.getByLabel("只看贫困户").check();
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/poor=1/);
});
