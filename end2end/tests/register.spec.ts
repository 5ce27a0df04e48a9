// The plot register: an agronomist adds a plot from the plots page, edits it, and imports
// plots from a pasted spreadsheet block (checked first, then confirmed). Phone, desktop, no-JS.
import { expect, test } from "@playwright/test";
import { AGRONOMIST, signIn } from "./helpers";

test("an agronomist adds and edits a plot, then imports plots after a dry run", async ({ page }, info) => {
  const tag = `${info.project.name}-${info.workerIndex}-${info.retry}`.toUpperCase();
  await signIn(page, AGRONOMIST, "/plots");
  await page.getByText("新建地块").click();
  await page.getByLabel("村", { exact: true }).selectOption({ label: "飞虹乡 · 新民村" });
  await page.getByLabel("地块编号").fill(`E2E-${tag}`);
  await page.getByLabel("地块面积（亩）").fill("abc");
  await page.getByRole("button", { name: "添加地块" }).click();
  await expect(page.getByText("面积须为数字，例如 12.5")).toBeVisible();
  await expect(page.getByLabel("地块编号")).toHaveValue(`E2E-${tag}`);
  await page.getByLabel("地块面积（亩）").fill("3.5");
  await page.getByLabel("灌溉").selectOption({ label: "滴灌" });
  await page.getByRole("button", { name: "添加地块" }).click();
  await expect(page.getByRole("status")).toHaveText("地块已保存。");
  await expect(page.getByRole("heading", { name: `地块 E2E-${tag}` })).toBeVisible();

  await page.getByText("修改地块").click();
  await page.getByLabel("地块面积（亩）").fill("4");
  await page.getByRole("button", { name: "保存修改" }).click();
  await expect(page.getByRole("status")).toHaveText("地块已保存。");
  await expect(page.getByText("4 亩 (0.27 公顷)")).toBeVisible();

  await page.goto("/import");
  await page.getByLabel("导入内容").selectOption("plots");
  await page.getByLabel(/CSV 内容/).fill(`村\t地块\t面积\n新民村\tIMP-${tag}\t2\n新民村\tIMP-${tag}\t3\n`);
  // The paste form is the second on the page (the first uploads a file).
  await page.getByRole("button", { name: "检查（不保存）" }).last().click();
  await expect(page.getByRole("alert")).toContainText("有 1 处问题");
  await expect(page.getByRole("cell", { name: "与第 2 行重复" })).toBeVisible();

  await page.getByLabel(/CSV 内容/).fill(`村\t地块\t面积\n新民村\tIMP-${tag}\t2\n`);
  // The paste form is the second on the page (the first uploads a file).
  await page.getByRole("button", { name: "检查（不保存）" }).last().click();
  await expect(page.getByRole("status")).toHaveText("检查通过：1 行地块可以导入，尚未保存。");
  await page.getByRole("button", { name: "导入这 1 行" }).click();
  await expect(page.getByRole("status")).toHaveText("已导入 1 行地块。");
  await page.screenshot({ path: info.outputPath("import.png"), fullPage: true });

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
});
