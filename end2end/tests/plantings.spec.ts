// The first real flow: find a plot, add a planting, see it; bad input is refused next to its
// field. Runs on a phone and a desktop with JavaScript, and on a phone without it.
import { expect, test, type Page } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

/** Opens plot 1-010 of 团结村 (a demo plot with about 3 mu free) through the UI. */
async function openPlot(page: Page) {
  await signIn(page, AGRONOMIST);
  await page.getByRole("link", { name: /飞虹乡 · 团结村/ }).click();
  await page.getByRole("link", { name: "地块 1-010" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("地块 1-010");
}

test("a planting added through the form shows on the plot", async ({ page }, info) => {
  await openPlot(page);
  const rows = page.locator(".plantings-table tbody tr");
  const before = await rows.count();

  await page.getByLabel("作物").selectOption({ label: "花菜" });
  await page.getByLabel("面积（亩）", { exact: true }).fill("0.5");
  await page.getByLabel("种植日期").fill("2026-12-03");
  await page.getByRole("button", { name: "保存" }).click();

  await expect(page.getByRole("status")).toHaveText("已添加种植。");
  await expect(rows).toHaveCount(before + 1);
  await expect(page.locator(".plantings-table")).toContainText("0.5 亩");
  await page.screenshot({ path: info.outputPath("plot-after-add.png"), fullPage: true });
});

test("an area of zero is refused next to the field and nothing is stored", async ({ page }) => {
  await openPlot(page);
  const rows = page.locator(".plantings-table tbody tr");
  const before = await rows.count();

  await page.getByLabel("作物").selectOption({ label: "莴笋" });
  await page.getByLabel("面积（亩）", { exact: true }).fill("0");
  await page.getByRole("button", { name: "保存" }).click();

  await expect(page.locator("#area-error")).toHaveText("面积必须大于 0");
  await expect(page.getByLabel("面积（亩）", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(rows).toHaveCount(before);
});

test("more than what is left of the plot is refused with the area left", async ({ page }) => {
  await openPlot(page);
  await page.getByLabel("作物").selectOption({ label: "莴笋" });
  await page.getByLabel("面积（亩）", { exact: true }).fill("50");
  await page.getByLabel("种植日期").fill("2026-12-05");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator("#area-error")).toContainText("超过地块在该季节的剩余面积");
  // What was typed stays in the form.
  await expect(page.getByLabel("面积（亩）", { exact: true })).toHaveValue("50");
});

test("the plots page fits a 360 px phone without sideways scrolling", async ({ page }, info) => {
  test.skip(info.project.name === "desktop", "phone check");
  await signIn(page, AGRONOMIST);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: info.outputPath("plots.png") });
});
