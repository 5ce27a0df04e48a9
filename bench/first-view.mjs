// The first view of every main page, as each role opens it on a slow phone: Chromium with the
// #7 profile (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU 4x slower), 360x740, cold
// cache, signed in as the demo account of that role. Prints, per page, the bytes transferred
// (compressed: HTML + CSS + JS + wasm + everything else), requests, first contentful paint and
// load time (median of RUNS cold loads).
//
// Budget (#16): every page <= 60 KB and FCP <= 1.5 s, and no page loads the wasm bundle. Exits 1
// if any page is over. BUDGET=bytes judges bytes and wasm only (for a machine too busy to time).
//
//   node bench/first-view.mjs [base URL, default http://127.0.0.1:3100] [role:/path ...]
//   e.g. node bench/first-view.mjs http://127.0.0.1:3100 farmer:/my agronomist:/plots
//   RUNS=3 by default. Without paths: every main page of every role (PAGES below).
//
// Needs a running release server with the demo data (`bash end2end/start-server.sh`) and
// Playwright from end2end/node_modules. Run from the repository root.
import { createRequire } from "node:module";
const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const BYTES_BUDGET = 60_000;
const FCP_BUDGET = 1500;

// The demo accounts (README, "Demo accounts").
const ROLES = {
  anonymous: null,
  farmer: { phone: "13900000003", password: "demo-farm-2026" },
  worker: { phone: "13900000004", password: "demo-work-2026" },
  cooperative: { phone: "13900000002", password: "demo-coop-2026" },
  agronomist: { phone: "13900000001", password: "demo-agro-2026" },
  admin: { phone: "13900000000", password: "demo-admin-2026" },
};

// Each role's main pages. `{plot}` and `{shift}` are the first plot / shift the role's list
// links to; `{daysheet}` the day sheet (日结单) of that shift's day.
const PAGES = [
  "anonymous:/login",
  "farmer:/my",
  "farmer:/my/pay",
  "worker:/my/pay",
  "cooperative:/coop",
  "cooperative:/shifts/{shift}",
  "cooperative:/shifts/{shift}/roll",
  "cooperative:{daysheet}",
  "agronomist:/",
  "agronomist:/plots",
  "agronomist:/plots/{plot}",
  "agronomist:/forecast",
  "agronomist:/targets",
  "agronomist:/market",
  "agronomist:/wallchart",
  "agronomist:/benefit",
  "agronomist:/import",
  "agronomist:/households",
  "agronomist:/households/{household}",
  "admin:/plots",
  "admin:/targets",
  "admin:/benefit",
  "admin:/wallchart",
  "admin:/accounts",
  "admin:/accounts/{account}",
];

const base = process.argv[2] ?? "http://127.0.0.1:3100";
const wanted = process.argv.length > 3 ? process.argv.slice(3) : PAGES;
const runs = Number(process.env.RUNS ?? 3);
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

// One sign-in per role (through the API, unthrottled), reused by each cold run.
const states = {};
async function stateOf(role) {
  if (!(role in ROLES)) throw new Error(`unknown role ${role}`);
  if (!(role in states)) {
    const signer = await browser.newContext();
    if (ROLES[role]) {
      const login = await signer.request.post(`${base}/api/v1/auth/login`, { data: ROLES[role] });
      if (login.status() !== 200) throw new Error(`${role}: sign-in failed: ${login.status()}`);
    }
    states[role] = { state: await signer.storageState(), request: signer.request };
  }
  return states[role];
}

// `/plots/{plot}` → the first plot the role's /plots links to (and /coop for shifts).
async function resolve(role, path) {
  const lists = {
    "{plot}": ["/plots", /href="\/plots\/(\d+)"/],
    "{shift}": ["/coop", /href="\/shifts\/(\d+)"/],
    "{household}": ["/households", /href="\/households\/(\d+)"/],
    "{account}": ["/accounts", /href="\/accounts\/(\d+)"/],
    "{daysheet}": ["/shifts/{shift}", /href="(\/coop\/\d+\/days\/[\d-]+)"/],
  };
  for (const [hole, [list, pattern]] of Object.entries(lists)) {
    if (!path.includes(hole)) continue;
    const { request } = await stateOf(role);
    const html = await (await request.get(base + (await resolve(role, list)))).text();
    const id = html.match(pattern)?.[1];
    if (!id) throw new Error(`${role}: ${list} links to no ${hole}`);
    path = path.replace(hole, id);
  }
  return path;
}

async function coldLoad(state, path) {
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
  let wasm = false;
  const inflight = new Set();
  const types = {};
  const typeOf = new Map();
  cdp.on("Network.requestWillBeSent", (e) => {
    inflight.add(e.requestId);
    if (/\.wasm(\?|$)/.test(e.request.url)) wasm = true;
  });
  cdp.on("Network.loadingFailed", (e) => inflight.delete(e.requestId));
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
  // Late requests (the service worker script, anything a script fetches) count too: wait until
  // nothing has been in flight for half a second (at most 60 s).
  for (let quiet = 0, waited = 0; quiet < 500 && waited < 60_000; waited += 100) {
    await page.waitForTimeout(100);
    quiet = inflight.size === 0 ? quiet + 100 : 0;
  }
  const fcp = await page.evaluate(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
  );
  await context.close();
  return { bytes, requests, fcp, load, types, wasm };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (b) => (b / 1000).toFixed(1);
console.log(
  `first views: slow 4G (1.6 Mbit/s, 150 ms RTT), CPU 4x, 360x740, cold cache, median of ${runs}; ` +
    `budget ${kb(BYTES_BUDGET)} KB, FCP ${FCP_BUDGET} ms, no wasm`,
);
let over = 0;
for (const item of wanted) {
  const [role, raw] = item.split(/:(.*)/s);
  const path = await resolve(role, raw);
  const { state } = await stateOf(role);
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await coldLoad(state, path));
  const m = {
    bytes: median(results.map((r) => r.bytes)),
    fcp: median(results.map((r) => r.fcp)),
    load: median(results.map((r) => r.load)),
    requests: median(results.map((r) => r.requests)),
  };
  const wasm = results.some((r) => r.wasm);
  const split = Object.entries(results[0].types).map(([t, b]) => `${t} ${kb(b)}`).join(", ");
  const bytesOk = m.bytes <= BYTES_BUDGET && !wasm;
  const timeOk = m.fcp <= FCP_BUDGET;
  const ok = bytesOk && (timeOk || process.env.BUDGET === "bytes");
  if (!ok) over += 1;
  console.log(
    `${ok ? "ok  " : "OVER"} ${role.padEnd(11)} ${path.padEnd(18)} ${kb(m.bytes).padStart(6)} KB ` +
      `in ${m.requests} requests (${split}); FCP ${m.fcp.toFixed(0)} ms; load ${m.load} ms` +
      (wasm ? "; loads wasm" : ""),
  );
}
await browser.close();
console.log(over === 0 ? `all ${wanted.length} pages within budget` : `${over} of ${wanted.length} pages OVER BUDGET`);
process.exit(over === 0 ? 0 : 1);
