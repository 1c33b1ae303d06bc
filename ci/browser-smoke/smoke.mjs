// Browser smoke test of the gridgov desk UI, run by scripts/browser-smoke against `gridgov demo`.
// A real Chromium (Debian's, not a downloaded one) logs in, walks the region tree of Huangshi
// from the country down to a township, switches to English and takes a screenshot, then opens
// the grid list, the map of 黄石港区, one grid's page and its public card. Then a grid worker
// reports an incident through the form (a grid chosen, a point clicked on the map) and sees it
// on its page, and the township's center accepts it there.
//
//   node smoke.mjs http://127.0.0.1:PORT
//
// Environment: CHROMIUM (default /usr/bin/chromium), SMOKE_OUT (directory for screenshots,
// default a new temporary directory).

import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = (process.argv[2] || "").replace(/\/+$/, "");
if (!/^https?:\/\//.test(base)) {
  console.error("usage: node smoke.mjs <base-url>   e.g. http://127.0.0.1:8080");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const outDir = process.env.SMOKE_OUT || mkdtempSync(join(tmpdir(), "gridgov-smoke-out-"));
mkdirSync(outDir, { recursive: true });

const ADMIN = { username: "admin", password: "Demo-2026" };
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let passed = 0;
let failed = 0;

// --- small helpers -------------------------------------------------------------------------

/** Waits until `fn()` returns a truthy value, or throws `message` after `timeout` ms. */
async function until(fn, message, timeout = 15000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`${message}${last instanceof Error ? ` (${last.message})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const path = (page) => new URL(page.url()).pathname;
const text = async (locator) => ((await locator.textContent()) || "").replace(/\s+/g, " ").trim();

/** Does `action` and waits for the new document it loads. */
async function andLoad(page, action) {
  const loaded = page.waitForEvent("load");
  await action();
  await loaded;
}

async function h1(page) {
  return text(page.locator("h1").first());
}

async function expectH1(page, name) {
  await until(async () => (await h1(page)).includes(name), `h1 should name ${name}`);
  return h1(page);
}

/** Follows the region link named `name` (or the first one) in table.regions. */
async function openRegion(page, name) {
  const links = page.locator("table.regions a.region-link");
  await until(async () => (await links.count()) > 0, "table.regions should list child regions");
  const link = name ? links.filter({ hasText: name }).first() : links.first();
  await until(async () => (await link.count()) > 0, `table.regions should link to ${name}`);
  const label = await text(link);
  const href = new URL(await link.getAttribute("href"), page.url()).pathname;
  await andLoad(page, () => link.click());
  if (path(page) !== href) throw new Error(`expected to be at ${href}, am at ${path(page)}`);
  return label;
}

async function submitLogin(page, username, password) {
  const form = page.locator("form#login-form");
  await form.locator("input[name=username]").fill(username);
  await form.locator("input[name=password]").fill(password);
  await andLoad(page, () => form.locator("button[type=submit]").click());
}

// --- the run -------------------------------------------------------------------------------

const userDataDir = mkdtempSync(join(tmpdir(), "gridgov-smoke-profile-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: FLAGS,
  locale: "zh-CN",
  timezoneId: "Asia/Shanghai",
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(15000);

// Problems seen along the way fail the last check even when every page looked right.
const problems = [];
page.on("pageerror", (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
const SUBRESOURCES = new Set(["stylesheet", "script", "image", "font"]);
page.on("response", (r) => {
  const kind = r.request().resourceType();
  if (r.status() >= 500 || (r.status() >= 400 && SUBRESOURCES.has(kind))) {
    problems.push(`${r.status()} from ${r.request().method()} ${r.url()} (${kind})`);
  }
});
page.on("requestfailed", (r) => {
  if (SUBRESOURCES.has(r.resourceType())) {
    problems.push(`${r.resourceType()} ${r.url()} failed: ${r.failure()?.errorText}`);
  }
});

async function check(name, body) {
  try {
    const detail = await body();
    passed += 1;
    console.log(`  ok    ${name}${detail ? ` — ${detail}` : ""}`);
  } catch (e) {
    failed += 1;
    console.log(`  FAIL  ${name}: ${e.message}`);
    console.log(`        at ${page.url()}`);
    const shot = join(outDir, `failure-${passed + failed}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.log(`        screenshot: ${shot}`);
    const seen = await page.locator("body").innerText().catch(() => "");
    if (seen) console.log(`        page text: ${seen.replace(/\s+/g, " ").slice(0, 400)}`);
    throw e;
  }
}

let exitCode = 0;
try {
  await check("GET /login shows the login form", async () => {
    const resp = await page.goto(`${base}/login`);
    if (!resp || resp.status() !== 200) throw new Error(`status ${resp && resp.status()}`);
    const form = page.locator("form#login-form");
    for (const sel of [
      "input[name=username]",
      "input[name=password]",
      "input[type=hidden][name=csrf]",
      "button[type=submit]",
    ]) {
      if ((await form.locator(sel).count()) !== 1) throw new Error(`form#login-form lacks ${sel}`);
    }
  });

  await check("a wrong password shows an error and stays on /login", async () => {
    await submitLogin(page, ADMIN.username, "not-the-password");
    if (path(page) !== "/login") throw new Error(`moved to ${path(page)}`);
    const alert = page.locator(".alert-error");
    await until(async () => (await alert.count()) > 0 && alert.first().isVisible(), ".alert-error should show");
    if ((await page.locator("nav.sidebar").count()) > 0) throw new Error("nav.sidebar shown after a failed login");
    return `"${await text(alert.first())}"`;
  });

  await check(`login as ${ADMIN.username} lands on a page with the navigation`, async () => {
    await submitLogin(page, ADMIN.username, ADMIN.password);
    if (path(page) === "/login") {
      const err = await text(page.locator(".alert-error").first()).catch(() => "");
      throw new Error(`still on /login${err ? `: ${err}` : ""}`);
    }
    await page.locator('nav.sidebar a[href="/regions"]').first().waitFor();
    return `at ${path(page)}`;
  });

  await check("the page's stylesheets load and apply", async () => {
    const sheets = await page.evaluate(() =>
      [...document.styleSheets].map((s) => {
        try {
          return { href: s.href, rules: s.cssRules.length };
        } catch {
          return { href: s.href, rules: -1 };
        }
      }),
    );
    if (!sheets.length) throw new Error("no stylesheet on the page");
    const empty = sheets.filter((s) => s.rules <= 0);
    if (empty.length) throw new Error(`stylesheets without rules: ${empty.map((s) => s.href).join(", ")}`);
    return sheets.map((s) => `${new URL(s.href || page.url()).pathname} (${s.rules} rules)`).join(", ");
  });

  await check("the sidebar opens /regions at the whole country (全国)", async () => {
    await andLoad(page, () => page.locator('nav.sidebar a[href="/regions"]').first().click());
    if (path(page) !== "/regions") throw new Error(`at ${path(page)}`);
    await page.locator("nav.breadcrumb").first().waitFor({ state: "attached" });
    return `h1 "${await expectH1(page, "全国")}"`;
  });

  await check("湖北省 opens with its name in the h1", async () => {
    await openRegion(page, "湖北省");
    await page.locator("nav.breadcrumb").first().waitFor({ state: "attached" });
    return `h1 "${await expectH1(page, "湖北省")}" at ${path(page)}`;
  });

  await check("黄石市 opens with its name in the h1", async () => {
    await openRegion(page, "黄石市");
    return `h1 "${await expectH1(page, "黄石市")}" at ${path(page)}`;
  });

  await check("a county of 黄石市 opens with its name in the h1", async () => {
    const county = await openRegion(page, null);
    const crumbs = await text(page.locator("nav.breadcrumb").first());
    if (!crumbs.includes("黄石市")) throw new Error(`breadcrumb "${crumbs}" lacks 黄石市`);
    return `h1 "${await expectH1(page, county)}" at ${path(page)}`;
  });

  await check("a township opens with its name in the h1", async () => {
    const township = await openRegion(page, null);
    const crumbs = await text(page.locator("nav.breadcrumb").first());
    for (const up of ["湖北省", "黄石市"]) {
      if (!crumbs.includes(up)) throw new Error(`breadcrumb "${crumbs}" lacks ${up}`);
    }
    return `h1 "${await expectH1(page, township)}" at ${path(page)}`;
  });

  let townshipPath = "";
  await check("switching to English shows the English sidebar and keeps the page", async () => {
    townshipPath = path(page);
    const sw = page.locator('a.lang-switch[href^="/lang/en"]').first();
    await until(async () => (await sw.count()) > 0, 'a.lang-switch to /lang/en should be on the page');
    await andLoad(page, () => sw.click());
    const regions = page.locator('nav.sidebar a[href="/regions"]').first();
    await until(async () => (await text(regions)).includes("Regions"), 'sidebar should read "Regions"');
    const lang = await page.locator("html").getAttribute("lang");
    if (path(page) !== townshipPath) throw new Error(`came back to ${path(page)}, not ${townshipPath}`);
    return `sidebar "${await text(regions)}", html lang=${lang}`;
  });

  await check("screenshot of the English township page", async () => {
    const shot = join(outDir, "gridgov-township-en.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  });

  await check("the sidebar opens the grid list with its rows", async () => {
    await andLoad(page, () => page.locator('nav.sidebar a[href="/grids"]').first().click());
    if (path(page) !== "/grids") throw new Error(`at ${path(page)}`);
    const rows = page.locator("table.grids tbody tr");
    await until(async () => (await rows.count()) > 0, "table.grids should list grids");
    return `${await rows.count()} rows on the first page`;
  });

  let gridHref = "";
  await check("the map of 黄石港区 draws its grids and zooms with map.js", async () => {
    const resp = await page.goto(`${base}/map?region=420202&layer=staffing`);
    if (!resp || resp.status() !== 200) throw new Error(`status ${resp && resp.status()}`);
    const links = page.locator('svg.gmap a[href^="/grids/"]');
    await until(async () => (await links.count()) > 0, "svg.gmap should link its grids");
    await until(async () => (await page.locator("svg.gmap.gmap-live").count()) === 1, "map.js should make the map live");
    const before = await page.locator("svg.gmap").getAttribute("viewBox");
    await page.locator('[data-map-zoom="in"]').click();
    await until(async () => (await page.locator("svg.gmap").getAttribute("viewBox")) !== before, "zooming in should change the viewBox");
    gridHref = await links.first().getAttribute("href");
    return `${await links.count()} grids`;
  });

  let cardHref = "";
  await check("a grid's page shows its staff and links its public card", async () => {
    await andLoad(page, () => page.goto(`${base}${gridHref}`));
    if (path(page) !== gridHref) throw new Error(`at ${path(page)}`);
    await page.locator("table.staff").first().waitFor();
    cardHref = await page.locator('a[href^="/card/"]').first().getAttribute("href");
    return `h1 "${await h1(page)}"`;
  });

  await check("the public grid card opens without the desk frame", async () => {
    const resp = await page.goto(`${base}${cardHref}`);
    if (!resp || resp.status() !== 200) throw new Error(`status ${resp && resp.status()}`);
    if ((await page.locator("nav.sidebar").count()) > 0) throw new Error("the card shows the desk's sidebar");
    const people = await page.locator(".gcard-people li").count();
    if (people < 1) throw new Error("the card lists nobody");
    return `h1 "${await h1(page)}", ${people} people`;
  });

  /** Signs out by forgetting the session, and signs in as `username`. */
  async function signInAs(username) {
    await context.clearCookies();
    await page.goto(`${base}/login`);
    await submitLogin(page, username, ADMIN.password);
    if (path(page) === "/login") throw new Error(`${username} could not log in`);
  }

  const title = `智能烟感报警器损坏 ${Date.now() % 100000}`;
  let incidentPath = "";
  await check("a grid worker reports an incident through the form", async () => {
    await signInAs("grid-worker");
    await page.goto(`${base}/incidents/new`);
    const form = page.locator("form[data-report-form]");
    await form.locator("input[name=title]").fill(title);
    const category = form.locator("select[name=category] option:not([value=''])").first();
    await form.locator("select[name=category]").selectOption(await category.getAttribute("value"));
    const grid = form.locator("select[name=grid_id] option:not([value=''])").first();
    await form.locator("select[name=grid_id]").selectOption(await grid.getAttribute("value"));
    // report.js turns a click on the map into a position.
    await page.locator("[data-pick-map] svg").click();
    await until(async () => (await form.locator("input[name=lng]").inputValue()) !== "", "a map click should fill in the longitude");
    await andLoad(page, () => form.locator("button[type=submit]").click());
    if (!/^\/incidents\/\d+\/[^/]+$/.test(path(page))) throw new Error(`at ${path(page)}`);
    incidentPath = path(page);
    await expectH1(page, title);
    await page.locator('[data-state="reported"]').first().waitFor();
    return incidentPath;
  });

  await check("the township's center accepts it on its page", async () => {
    await signInAs("town-op");
    await page.goto(`${base}${incidentPath}`);
    const accept = page.locator('form[data-action="accept"]');
    await accept.waitFor();
    await andLoad(page, () => accept.locator("button[type=submit]").click());
    await page.locator('[data-state="accepted"]').first().waitFor();
    const list = await page.goto(`${base}/incidents?list=awaiting_dispatch`);
    if (!list || list.status() !== 200) throw new Error(`list status ${list && list.status()}`);
    await until(async () => (await page.locator("table.incidents").innerText()).includes(title), "the list awaiting dispatch should show it");
    return "accepted, and on the list awaiting dispatch";
  });

  await check("no script errors and no 5xx responses along the way", async () => {
    if (problems.length) throw new Error(problems.join("; "));
  });
} catch {
  exitCode = 1;
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`browser smoke: ${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed ? 1 : 0));
