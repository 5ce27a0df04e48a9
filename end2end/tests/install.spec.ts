// Installable: the web app manifest and its icons are served to anyone (before sign-in, as a
// phone's "add to home screen" asks for them) and every page links them.
import { expect, test } from "@playwright/test";

test("the manifest and icons are linked and served", async ({ page, request }) => {
  await page.goto("/login");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  const res = await request.get("/manifest.webmanifest");
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest.short_name).toBe("田联");
  expect(manifest.start_url).toBe("/");
  expect(manifest.display).toBe("standalone");
  for (const icon of manifest.icons) {
    const img = await request.get(icon.src);
    expect(img.status(), icon.src).toBe(200);
    expect(img.headers()["content-type"]).toContain("image/svg+xml");
  }
});
