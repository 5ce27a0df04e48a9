// The wall chart (挂图): the township's plantings by village and crop, with today and the
// Spring Festival marked. Only the chart scrolls sideways on a phone; the page does not.
import { expect, test } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

test("the wall chart shows villages and crops with today and the Spring Festival", async ({ page }, info) => {
  await signIn(page, AGRONOMIST, "/wallchart");
  const chart = page.getByRole("img", { name: "飞虹乡挂图" });
  await expect(chart).toBeVisible();
  await expect(chart).toContainText("春节");
  await expect(chart).toContainText("今天");
  await expect(page.locator(".wall-list")).toContainText("团结村 · 莴笋");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: info.outputPath("wallchart.png"), fullPage: true });
});

test("every planning page fits a 360 px phone without sideways scrolling", async ({ page }, info) => {
  test.skip(info.project.name === "desktop", "phone check");
  await signIn(page, AGRONOMIST, "/targets");
  for (const path of ["/targets", "/market", "/forecast", "/wallchart"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});
