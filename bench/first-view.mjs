// The farmer's first view on a slow phone: Chromium with the #7 profile (1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip, CPU 4× slower), signed in as the demo farmer, cold cache,
// loading /my. Prints bytes transferred (compressed, HTML + CSS + JS + wasm + everything else),
// requests, first contentful paint and load time. Budget: < 250 KB and FCP < 1.5 s.
//
//   node bench/first-view.mjs [base URL, default http://127.0.0.1:3100] [path, default /my]
//   RUNS=5 (cold loads, median reported); BUDGET=bytes fails on bytes only (the test suite).
//
// Needs a running release server with the demo data (e.g. `bash end2end/start-server.sh`) and
// Playwright from end2end/node_modules. Run from the repository root.
import { createRequire } from "node:module";
const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const base = process.argv[2] ?? "http://127.0.0.1:3100";
const path = process.argv[3] ?? "/my";
const runs = Number(process.env.RUNS ?? 5);
const PROFILE = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

// Sign in once (unthrottled) and reuse the session cookie for each cold run.
const signer = await browser.newContext();
const login = await signer.request.post(`${base}/api/v1/auth/login`, {
  data: { phone: "13900000003", password: "demo-farm-2026" },
});
if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);
const state = await signer.storageState();
await signer.close();

const results = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({
    storageState: state,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", PROFILE);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  let requests = 0;
  const inflight = new Set();
  cdp.on("Network.requestWillBeSent", (e) => inflight.add(e.requestId));
  cdp.on("Network.loadingFailed", (e) => inflight.delete(e.requestId));
  const types = {};
  const typeOf = new Map();
  cdp.on("Network.responseReceived", (e) => typeOf.set(e.requestId, e.type));
  cdp.on("Network.loadingFinished", (e) => {
    inflight.delete(e.requestId);
    bytes += e.encodedDataLength;
    requests += 1;
    const t = typeOf.get(e.requestId) ?? "Other";
    types[t] = (types[t] ?? 0) + e.encodedDataLength;
  });
  const started = Date.now();
  const res = await page.goto(base + path, { waitUntil: "load" });
  const load = Date.now() - started;
  if (res.status() !== 200 || !(await page.locator("h1").first().isVisible())) {
    throw new Error(`${path} answered ${res.status()}`);
  }
  // Late requests (the service worker script, a hydrated page's wasm) count too: wait until
  // nothing has been in flight for a second (at most 60 s).
  for (let quiet = 0, waited = 0; quiet < 1000 && waited < 60_000; waited += 100) {
    await page.waitForTimeout(100);
    quiet = inflight.size === 0 ? quiet + 100 : 0;
  }
  const settled = Date.now() - started;
  const fcp = await page.evaluate(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
  );
  results.push({ bytes, requests, fcp, load, settled, types });
  await context.close();
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (b) => (b / 1000).toFixed(1);
console.log(`first view of ${path}: slow 4G (1.6 Mbit/s, 150 ms RTT), CPU 4x, cold cache, ${runs} runs`);
for (const r of results) {
  const split = Object.entries(r.types).map(([t, b]) => `${t} ${kb(b)}`).join(", ");
  console.log(`  ${kb(r.bytes)} KB in ${r.requests} requests (${split}); FCP ${r.fcp.toFixed(0)} ms; load ${r.load} ms; network quiet ${r.settled} ms`);
}
const m = {
  bytes: median(results.map((r) => r.bytes)),
  fcp: median(results.map((r) => r.fcp)),
  load: median(results.map((r) => r.load)),
};
console.log(`median: ${kb(m.bytes)} KB transferred, FCP ${m.fcp.toFixed(0)} ms, load ${m.load} ms`);
// The test suite checks the bytes only (BUDGET=bytes): they do not depend on how busy the
// machine is; the paint time is printed and judged here when run as a benchmark.
const bytesOk = m.bytes < 250_000;
const timeOk = m.fcp < 1500;
console.log(bytesOk && timeOk ? "within budget (< 250 KB, FCP < 1.5 s)" : `OVER BUDGET:${bytesOk ? "" : " bytes"}${timeOk ? "" : " FCP"} (250 KB, FCP 1.5 s)`);
process.exit(bytesOk && (timeOk || process.env.BUDGET === "bytes") ? 0 : 1);
