// 挂图作战: an agronomist adds a season target, plants against it on a plot, and sees progress
// move. Runs on a 360×740 phone and a desktop, with JavaScript and on a phone without it.
import { expect, test, type Page } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

/** Planted mu of the target card, as a number. */
async function plantedOf(page: Page, card: ReturnType<Page["locator"]>): Promise<number> {
  const text = await card.locator(".big").innerText();
  const match = text.match(/已种\s*([\d.]+)\s*亩/);
  expect(match, text).not.toBeNull();
  return Number(match![1]);
}

test("a target added on the progress page moves when a planting goes in", async ({ page }, info) => {
  await signIn(page, AGRONOMIST, "/targets");
  // A target only this test uses: cauliflower in 和平村, so runs on other projects don't collide.
  const area = String(100 + info.workerIndex + ["phone", "desktop", "phone-no-js"].indexOf(info.project.name));
  await page.getByLabel("范围").selectOption({ label: "飞虹乡 · 和平村" });
  await page.getByLabel("作物").selectOption({ label: "花菜" });
  await page.getByLabel("目标面积（亩）").fill(area);
  await page.getByLabel("开始日期").fill("2026-11-11");
  await page.getByLabel("截止日期").fill("2026-12-10");
  await page.getByRole("button", { name: "添加目标" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加目标。");

  const card = page.getByRole("region", { name: "飞虹乡 · 和平村 · 花菜" }).filter({ hasText: `目标 ${area} 亩` });
  await expect(card).toBeVisible();
  await expect(card.getByRole("img")).toBeVisible();
  const before = await plantedOf(page, card);

  // Plant 2 mu of cauliflower, in the ground on 20 November, on a 和平村 plot.
  await page.goto("/plots");
  await page.getByRole("link", { name: /飞虹乡 · 和平村/ }).click();
  await page.getByRole("link", { name: "地块 2-020" }).click();
  await page.getByLabel("作物").selectOption({ label: "花菜" });
  await page.getByLabel("面积（亩）", { exact: true }).fill("0.25");
  await page.getByLabel("种植日期").fill("2026-11-20");
  await page.getByLabel("状态", { exact: true }).selectOption({ label: "已种" });
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加种植。");

  await page.goto("/targets");
  const after = await plantedOf(page, card);
  expect(after).toBeCloseTo(before + 0.25, 2);
  await page.screenshot({ path: info.outputPath("targets.png"), fullPage: true });
});
