// The forecast page: an agronomist asks when a planting will be ready and when to plant for the
// Spring Festival market. Plain GET forms, so it runs the same with and without JavaScript.
import { expect, test } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

test("celtuce planted in early December at 茂县 is forecast for February", async ({ page }, info) => {
  await signIn(page, AGRONOMIST, "/forecast");
  await page.getByLabel("作物").selectOption({ label: "莴笋" });
  await page.getByLabel("地点").selectOption({ label: "茂县" });
  await page.getByLabel("覆盖").selectOption({ label: "露地" });
  await page.getByLabel("种植日期").fill("2026-12-05");
  await page.getByLabel("面积（亩）", { exact: true }).fill("10");
  await page.getByLabel("上市：春节年份").fill("2027");
  await page.getByLabel("春节前天数").fill("7");
  await page.getByRole("button", { name: "计算" }).click();

  const forecast = page.getByRole("region", { name: "采收预测" });
  await expect(forecast).toContainText("开始采收：2027-02-");
  await expect(forecast).toContainText("预计产量 25000 公斤");
  // No type chosen: the page says which type the engine picked for 茂县 in December.
  await expect(forecast).toContainText("品种类型：越冬莴笋（按日期和地点自动选择）");
  const backward = page.getByRole("region", { name: "倒排工期" });
  await expect(backward).toContainText("上市日期 2027-01-30");
  await expect(backward).toContainText("最晚种植：");
  await page.screenshot({ path: info.outputPath("forecast.png"), fullPage: true });
});

test("an area that is not a number is explained, not an error page", async ({ page }) => {
  await signIn(page, AGRONOMIST, "/forecast");
  await page.getByLabel("面积（亩）", { exact: true }).fill("abc");
  await page.getByRole("button", { name: "计算" }).click();
  await expect(page.getByRole("alert")).toContainText("面积应为大于 0");
  // The backward schedule does not depend on the area and is still shown.
  await expect(page.getByRole("region", { name: "倒排工期" })).toBeVisible();
});

test("a named crop type is used and shown: spring celtuce set out in December comes in spring", async ({ page }) => {
  await signIn(page, AGRONOMIST, "/forecast");
  await page.getByLabel("作物").selectOption({ label: "莴笋" });
  await page.getByLabel("品种类型").selectOption({ label: "春莴笋" });
  await page.getByLabel("地点").selectOption({ label: "茂县" });
  await page.getByLabel("种植日期").fill("2026-12-05");
  await page.getByRole("button", { name: "计算" }).click();
  const forecast = page.getByRole("region", { name: "采收预测" });
  await expect(forecast).toContainText("品种类型：春莴笋");
  await expect(forecast).not.toContainText("自动选择");
  await expect(forecast).toContainText(/开始采收：2027-0[3-5]-/);
  await expect(page.getByLabel("品种类型")).toHaveValue("spring");
});
