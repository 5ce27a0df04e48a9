// The 300-worker field day from one phone (issue 15): post a 300-person shift, fill it from the
// suggestions in one tap, run the roll call with 3 absent and 2 working 10 hours, settle the day
// and open the printable sheet; the poor household's worker sees the right amount on /my/pay.
// On a phone with and without JavaScript (and on a desktop). Then the weak-signal case: a roll
// call submitted with the phone offline waits as 待发送 and is sent when the signal returns.
import { expect, test, type Page } from "@playwright/test";
import { COOPERATIVE, WORKER, signIn } from "./helpers";

const PROJECTS = ["phone", "desktop", "phone-no-js"];

/** A day of its own for each project and retry, so no run books a person twice on a day. */
function dayFor(project: string, retry: number, offset = 0): string {
  const n = 1 + PROJECTS.indexOf(project) * 3 + retry + offset;
  return `2027-02-${String(n).padStart(2, "0")}`;
}

async function postShift(page: Page, day: string, headcount: number) {
  await page.goto("/coop");
  await page.getByText("发布班次").click();
  await page.getByLabel("日期").fill(day);
  await page.getByLabel("农事").selectOption({ label: "搓菌种" });
  await page.getByLabel("人数").fill(String(headcount));
  await page.getByLabel("工时（小时）").fill("8");
  await page.getByRole("button", { name: "发布" }).click();
  await expect(page.getByRole("status")).toHaveText("班次已发布。");
}

test("a 300-person shift is filled in one tap, called in one roll call, settled and printed", async ({ browser, page }, info) => {
  test.setTimeout(120_000);
  const day = dayFor(info.project.name, info.retry);
  await signIn(page, COOPERATIVE, "/coop");
  await postShift(page, day, 300);

  await page.getByRole("button", { name: "按建议补满（300 人）" }).click();
  await expect(page.getByRole("status")).toHaveText("已按建议补满。");
  await expect(page.getByRole("heading", { name: "已安排 300 人" })).toBeVisible();
  // The shift page stays short: 50 workers a page.
  await expect(page.locator(".worker")).toHaveCount(50);
  const shiftUrl = page.url().split("?")[0];

  await page.getByRole("link", { name: "点名记工" }).click();
  await expect(page.getByRole("heading", { name: /点名记工/ })).toBeVisible();
  await expect(page.locator("table.roll tbody tr")).toHaveCount(300);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height, "the roll call of 300 fits in about 10 phone screens").toBeLessThanOrEqual(10 * 740);
  await page.locator(".roll-fold summary").first().click();
  for (const i of [0, 1, 2]) await page.locator(`input[name="lines[${i}][absent]"]`).check();
  for (const i of [3, 4]) await page.locator(`input[name="lines[${i}][hours]"]`).fill("10");
  await page.screenshot({ path: info.outputPath("roll-call.png") });
  await page.getByRole("button", { name: "提交点名（300 人）" }).click();
  await expect(page.getByRole("status")).toHaveText("点名已记录。");
  // 297 came: 295 × 80 + 2 × (80 + 2 × 15) = 23,820 yuan.
  await expect(page.locator(".sheet-total")).toContainText("合计 ¥23820.00");

  await page.getByRole("link", { name: "当天日结单" }).click();
  await expect(page.getByRole("heading", { name: new RegExp(`日结单 · .* · ${day}`) })).toBeVisible();
  await expect(page.locator(".sheet-total")).toContainText("300 人（缺勤 3）");
  await page.getByRole("button", { name: "结清当天：支付 ¥23820.00" }).click();
  await expect(page.getByRole("status")).toHaveText("当天工资已全部结清。");
  await expect(page.locator(".sheet-total")).toContainText("未付 ¥0.00");

  await page.getByRole("link", { name: "打印（A4）" }).click();
  await expect(page.locator("table.sheet tbody tr")).toHaveCount(300);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.locator("th.sign")).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  expect(page.url()).toContain("print=1");
  await page.goto(shiftUrl);

  // The poor household's worker, on its own phone: each of its people booked that day earned
  // 80 yuan (8 hours; the absent and the 10-hour people are the first households by code).
  const phone = await browser.newContext({ ...info.project.use, baseURL: info.project.use.baseURL });
  const mine = await phone.newPage();
  await signIn(mine, WORKER, "/my/pay");
  const rows = mine.locator(".pay-list li").filter({ hasText: day });
  expect(await rows.count()).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    await expect(row).toContainText("¥80.00");
    await expect(row).toContainText("已结清");
  }
  await phone.close();
});

test("a roll call made with no signal waits as 待发送 and is sent when the signal returns", async ({ context, page }, info) => {
  test.skip(info.project.name === "phone-no-js", "the outbox is the page's script; without it the form posts as usual");
  const day = dayFor(info.project.name, info.retry, 2);
  await signIn(page, COOPERATIVE, "/coop");
  await postShift(page, day, 5);
  await page.getByRole("button", { name: "按建议补满（5 人）" }).click();
  await expect(page.getByRole("status")).toHaveText("已按建议补满。");
  await page.getByRole("link", { name: "点名记工" }).click();
  await expect(page.locator("table.roll tbody tr")).toHaveCount(5);

  await context.setOffline(true);
  await page.locator('input[name="lines[0][hours]"]').fill("9");
  await page.locator('input[name="lines[1][absent]"]').check();
  await page.getByRole("button", { name: "提交点名（5 人）" }).click();
  await expect(page.locator("#outbox")).toBeVisible();
  await expect(page.locator("#outbox")).toContainText("待发送");
  await page.screenshot({ path: info.outputPath("outbox.png") });
  // Still offline a while later: it waits, nothing is lost.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem("tianlian-outbox") || "[]").length)).toBe(1);

  await context.setOffline(false);
  await expect(page).toHaveURL(/ok=rollcall/);
  await expect(page.getByRole("status")).toHaveText("点名已记录。");
  // 3 × 80 + (80 + 15) = 335 yuan.
  await expect(page.locator(".sheet-total")).toContainText("合计 ¥335.00");
  expect(await page.evaluate(() => localStorage.getItem("tianlian-outbox"))).toBe("[]");
});
