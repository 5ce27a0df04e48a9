// 日结 in the field: the cooperative's manager posts a shift, books a member of a poor
// household, records 9 hours at the roll call and settles the day; the worker's household sees 80 + 15 = 95
// yuan on its own page. Phone, desktop and a phone without JavaScript.
import { expect, test } from "@playwright/test";
import { COOPERATIVE, WORKER, signIn } from "./helpers";

test("a shift is posted, a poor household's member works 9 hours, is paid 95 yuan and sees it", async ({ browser, page }, info) => {
  // One day per project so the runs never book the same person twice on a day.
  const day = `2026-12-${String(10 + ["phone", "desktop", "phone-no-js"].indexOf(info.project.name) + 3 * info.retry).padStart(2, "0")}`;
  await signIn(page, COOPERATIVE, "/coop");
  await expect(page.getByRole("heading", { name: "欣源羊肚菌专业合作社" })).toBeVisible();
  await page.getByText("发布班次").click();
  await page.getByLabel("日期").fill(day);
  await page.getByLabel("农事").selectOption({ label: "搓菌种" });
  await page.getByLabel("人数").fill("2");
  await page.getByLabel("工时（小时）").fill("8");
  await page.getByRole("button", { name: "发布" }).click();
  await expect(page.getByRole("status")).toHaveText("班次已发布。");
  await expect(page.getByRole("heading", { name: `${day} 搓菌种` })).toBeVisible();
  // Suggestions put poor households first.
  await expect(page.locator(".suggestions li").first()).toContainText("贫困户");

  await page.getByLabel(/按户号安排/).fill("demo-1-0-014");
  await page.getByRole("button", { name: "安排", exact: true }).first().click();
  await expect(page.getByRole("status")).toHaveText("已安排。");
  await page.getByRole("link", { name: "点名记工" }).click();
  await page.locator('input[name="lines[0][hours]"]').fill("9");
  await page.getByRole("button", { name: "提交点名（1 人）" }).click();
  await expect(page.getByRole("status")).toHaveText("点名已记录。");
  await expect(page.locator(".worker .money")).toHaveText("¥95.00");
  await page.getByRole("button", { name: "日结：支付 ¥95.00" }).click();
  await expect(page.getByRole("status")).toHaveText("已日结。");
  await expect(page.locator(".sheet-total")).toContainText("未付 ¥0.00");
  await page.screenshot({ path: info.outputPath("shift.png"), fullPage: true });

  // The worker's household, on its own phone.
  const phone = await browser.newContext({ ...info.project.use, baseURL: info.project.use.baseURL });
  const mine = await phone.newPage();
  await signIn(mine, WORKER, "/my/pay");
  const row = mine.locator(".pay-list li").filter({ hasText: day });
  await expect(row).toContainText("¥95.00");
  await expect(row).toContainText("已结清");
  await expect(mine.getByText("流转给 欣源羊肚菌专业合作社").first()).toBeVisible();
  const width = await mine.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(mine.viewportSize()!.width);
  await mine.screenshot({ path: info.outputPath("my-pay.png"), fullPage: true });
  await phone.close();
});
