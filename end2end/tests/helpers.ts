// Shared steps: demo accounts (demo data only) and signing in through the page.
import { expect, type Page } from "@playwright/test";

export const AGRONOMIST = { phone: "13900000001", password: "demo-agro-2026" };
export const FARMER = { phone: "13900000003", password: "demo-farm-2026" };
export const COOPERATIVE = { phone: "13900000002", password: "demo-coop-2026" };
/** A 回澜镇 poor household (demo-1-0-014) that leases land to and works for 欣源. */
export const WORKER = { phone: "13900000004", password: "demo-work-2026" };
export const ADMIN = { phone: "13900000000", password: "demo-admin-2026" };

/** Signs in with the form on /login, as a person would. */
export async function signIn(page: Page, who: { phone: string; password: string }, next = "/plots") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("手机号").fill(who.phone);
  await page.getByLabel("密码").fill(who.password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, "\\$&")}$`));
}
