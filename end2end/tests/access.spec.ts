// A farmer on a phone signs in, sees their own plot and no one else's, and cannot open another
// household's plot page. Anonymous visitors are sent to sign in.
import { expect, test } from "@playwright/test";
import { ADMIN, FARMER, signIn } from "./helpers";

test("a farmer sees only their own plot and cannot open a neighbour's", async ({ page, request }, info) => {
  // Find the neighbour's plot id as the admin would, through the API.
  await request.post("/api/v1/auth/login", { data: ADMIN });
  const listing = await (await request.get("/api/v1/plots?q=1-011")).json();
  const neighbour = listing.plots.find((p: { code: string; village: string }) => p.code === "1-011" && p.village === "团结村");
  expect(neighbour).toBeTruthy();

  await signIn(page, FARMER);
  await expect(page.getByRole("link", { name: "地块 1-010" })).toBeVisible();
  await expect(page.getByRole("link", { name: "地块 1-011" })).toHaveCount(0);
  await expect(page.getByText("农户 · 13900000003")).toBeVisible();
  await page.screenshot({ path: info.outputPath("farmer-plots.png"), fullPage: true });

  const res = await page.goto(`/plots/${neighbour.id}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "找不到该页面" })).toBeVisible();
});

test("anonymous visitors are sent to sign in and come back after", async ({ page }) => {
  await page.goto("/plots");
  await expect(page).toHaveURL(/\/login\?next=%2Fplots$/);
  await page.getByLabel("手机号").fill(FARMER.phone);
  await page.getByLabel("密码").fill("wrong password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toHaveText("手机号或密码错误。");
  await page.getByLabel("密码").fill(FARMER.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/plots$/);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, FARMER);
  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/plots");
  await expect(page).toHaveURL(/\/login\?next=/);
});
