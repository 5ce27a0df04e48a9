// Putting a township on Tianlian (issue 18), on a phone with and without JavaScript and on a
// desktop: an agronomist uploads a registry export of 50 households and prints their sign-in
// slips; a farmer signs in with a slip, must change the one-time password, and lands on
// 我的日历. Then a household added by hand gets an account, and when an admin disables it the
// farmer's open session ends.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, AGRONOMIST, signIn } from "./helpers";

const PROJECTS = ["phone", "desktop", "phone-no-js"];

/** A mobile number of this project, retry and test, unique across runs on one database. */
function phone(project: string, retry: number, test: number, i: number): string {
  return `17${PROJECTS.indexOf(project) + 1}${retry}${test}${String(i).padStart(6, "0")}`;
}

/** A registry export: one row per person, two people a household, every head with an account. */
function registry(prefix: string, phoneOf: (i: number) => string, n: number): string {
  const lines = ["乡镇,村,户编号,户主,姓名,手机号,能否务工,贫困户,识别年度,脱贫年度,开通账号"];
  for (let i = 0; i < n; i++) {
    const poor = i % 4 === 0 ? "是,2016," : "否,,";
    lines.push(`飞虹乡,和平村,${prefix}${i},户主${i},户主${i},${phoneOf(i)},是,${poor},是`);
    lines.push(`飞虹乡,和平村,${prefix}${i},户主${i},家人${i},,否,,,,`);
  }
  return lines.join("\n") + "\n";
}

/** Signs in with a slip on a phone of its own, changes the password, and lands on 我的日历. */
async function firstSignIn(browser: Browser, javaScriptEnabled: boolean, who: { phone: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("手机号").fill(who.phone);
  await page.getByLabel("密码").fill(who.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("当前密码").fill(who.password);
  await page.getByLabel("新密码（至少 8 个字符）").fill("my-own-pass-2026");
  await page.getByLabel("再次输入新密码").fill("my-own-pass-2026");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page).toHaveURL(/\/my$/);
  await expect(page.getByRole("heading", { name: "我的日历" })).toBeVisible();
  return { context, page };
}

/** The phone and one-time password of the slip at `index` on a slip sheet. */
async function slip(page: Page, index: number) {
  const s = page.locator(".slip").nth(index);
  const phone = (await s.locator("strong").first().textContent())?.trim() ?? "";
  const password = (await s.locator(".pw").textContent())?.trim() ?? "";
  return { phone, password };
}

test("an agronomist imports 50 households and prints the slips; a farmer signs in with one", async ({ browser, page }, info) => {
  test.setTimeout(120_000);
  const p = info.project.name;
  const prefix = `E2E-${PROJECTS.indexOf(p)}${info.retry}-`;
  await signIn(page, AGRONOMIST, "/households");
  await page.getByRole("link", { name: "批量导入农户（CSV / Excel）" }).click();
  await expect(page).toHaveURL(/\/import\?kind=households$/);

  const csv = registry(prefix, (i) => phone(p, info.retry, 1, i), 50);
  await page.getByLabel("CSV 或 Excel（.xlsx，读取第一个工作表）").setInputFiles({
    name: "registry.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf-8"),
  });
  await page.getByRole("button", { name: "检查（不保存）" }).first().click();
  await expect(page.getByRole("status")).toHaveText("检查通过：50 户可以导入，尚未保存。");

  await page.getByRole("button", { name: "导入这 50 户并打印登录条" }).click();
  await expect(page.locator(".slip")).toHaveCount(50);
  await expect(page.getByRole("status")).toContainText("已导入 50 户，开通 50 个农户账号。");
  await page.screenshot({ path: info.outputPath("slips.png") });
  // On paper: A4, ten slips a page, the on-screen bar not printed.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".bar")).toBeHidden();
  const pdf = info.project.name === "desktop" ? await page.pdf({ format: "A4" }) : null;
  if (pdf) expect(pdf.length).toBeGreaterThan(10_000);
  await page.emulateMedia({ media: "screen" });

  const first = await slip(page, 0);
  expect(first.phone).toBe(phone(p, info.retry, 1, 0));
  expect(first.password).toMatch(/^[2-9a-z]{10}$/);
  const { context } = await firstSignIn(browser, p !== "phone-no-js", first);
  await context.close();

  // The households are on the list, 50 a page, poor ones marked.
  await page.goto(`/households?q=${prefix}`);
  await expect(page.getByText("共 50 户")).toBeVisible();
  await expect(page.locator(".household-list .row")).toHaveCount(50);
});

test("a household added by hand gets an account; disabling it ends the farmer's session", async ({ browser, page }, info) => {
  test.setTimeout(90_000);
  const p = info.project.name;
  const code = `E2E-H${PROJECTS.indexOf(p)}${info.retry}`;
  const mobile = phone(p, info.retry, 2, 1);
  await signIn(page, AGRONOMIST, "/households");
  await page.getByText("新增农户").click();
  await page.getByLabel("村").last().selectOption({ label: "飞虹乡 和平村" });
  await page.getByLabel("户编号").fill(code);
  await page.getByLabel("户主姓名").fill("张新");
  await page.getByLabel("户主手机号（登录用）").fill(mobile);
  await page.getByLabel("贫困状态").selectOption({ label: "贫困户" });
  await page.getByLabel("识别年度").fill("2015");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toHaveText("农户已添加。");
  await expect(page.getByRole("heading", { name: `${code} 张新` })).toBeVisible();

  await page.getByPlaceholder("姓名").fill("李梅");
  await page.getByRole("button", { name: "添加" }).click();
  await expect(page.getByRole("status")).toHaveText("家庭成员已保存。");
  await expect(page.locator(".persons .row")).toHaveCount(2);

  await page.getByRole("button", { name: "开通农户账号并打印登录条" }).click();
  await expect(page.locator(".slip")).toHaveCount(1);
  const s = await slip(page, 0);
  expect(s.phone).toBe(mobile);
  const farmer = await firstSignIn(browser, p !== "phone-no-js", s);

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn(adminPage, ADMIN, "/accounts");
  await adminPage.getByLabel("搜索").fill(mobile);
  await adminPage.getByRole("button", { name: "筛选" }).click();
  await adminPage.getByRole("link", { name: mobile }).click();
  await adminPage.getByRole("button", { name: "停用账号" }).click();
  await expect(adminPage.getByRole("status")).toHaveText("账号已停用，它的登录和令牌已全部失效。");
  await expect(adminPage.getByRole("listitem").filter({ hasText: "disable account" })).toHaveCount(1);
  await admin.close();

  // The farmer's open session has ended: the next page asks them to sign in.
  await farmer.page.reload();
  await expect(farmer.page).toHaveURL(/\/login/);
  await farmer.page.getByLabel("手机号").fill(mobile);
  await farmer.page.getByLabel("密码").fill("my-own-pass-2026");
  await farmer.page.getByRole("button", { name: "登录" }).click();
  await expect(farmer.page.getByRole("alert")).toHaveText("此账号已停用，请联系乡镇农技员或管理员。");
  await farmer.context.close();
});
