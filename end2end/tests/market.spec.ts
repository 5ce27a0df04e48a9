// The market calendar: an agronomist sets a weekly capacity for celtuce and sees the peak weeks
// flagged and planned plantings suggested to move. Phone and desktop, with and without JS.
import { expect, test } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

test("a market capacity flags the peak weeks and suggests moves", async ({ page }, info) => {
  await signIn(page, AGRONOMIST, "/market");
  const celtuce = page.getByRole("region", { name: "莴笋" });
  await expect(celtuce).toContainText("春节");
  await celtuce.getByLabel("每周市场容量（公斤）").fill("100000");
  await celtuce.getByRole("button", { name: "保存容量" }).click();
  await expect(page.getByRole("status")).toHaveText("已保存市场容量。");
  await expect(page.getByRole("region", { name: "莴笋" })).toContainText("超量");
  await expect(page.getByRole("region", { name: "错峰建议" })).toContainText("计划种植日");
  await page.screenshot({ path: info.outputPath("market.png"), fullPage: true });
});

test("the market calendar downloads as XLSX", async ({ page }) => {
  await signIn(page, AGRONOMIST, "/market");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "上市日历 XLSX" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("tianlian-market.xlsx");
});
