// Starts the built desktop app under tauri-driver on a fresh demo database and
// hands the tests a WebdriverIO browser; `stop()` ends every process it began.
//
// What it needs: `target/debug/qingdan-desktop` built by
// `npx tauri build --debug --no-bundle` (a plain `cargo build` makes a binary
// that loads the Vite dev server instead of the bundled UI), the CLI
// `target/debug/qingdan`, `tauri-driver` and `WebKitWebDriver` on PATH, and a
// display (run under `xvfb-run -a`). Nothing here knows the UI beyond the
// data-testid selectors the tests use.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { remote } from 'webdriverio';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP = process.env.QINGDAN_E2E_APP ?? join(ROOT, 'target', 'debug', 'qingdan-desktop');
export const CLI = process.env.QINGDAN_E2E_CLI ?? join(ROOT, 'target', 'debug', 'qingdan');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');

const DRIVER = process.env.TAURI_DRIVER ?? 'tauri-driver';

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForDriver(port, driver, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) {
      throw new Error(`tauri-driver exited with ${driver.exitCode} before it was ready:\n${log.join('')}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`tauri-driver did not answer on port ${port} within 30 s:\n${log.join('')}`);
}

/** A new database file holding the demo data, made by the CLI as a user would. */
export function demoDatabase(dir) {
  const db = join(dir, 'qingdan.db');
  execFileSync(CLI, ['--db', db, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  return db;
}

/** This process's environment without a QINGDAN_DB of the caller's, plus `extra`. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  delete env.QINGDAN_DB;
  return Object.assign(env, extra);
}

/**
 * Opens the app on a fresh database in a temporary folder, by default the demo
 * one; `database(dir)` may make another and return its path.
 * Returns `{ browser, dbPath, exportDir, log, screenshot(name), stop() }`.
 */
export async function startApp({ database = demoDatabase } = {}) {
  for (const [what, path] of [
    ['the app (npx tauri build --debug --no-bundle)', APP],
    ['the CLI (cargo build -p qingdan-core --bin qingdan)', CLI],
  ]) {
    if (!existsSync(path)) throw new Error(`missing ${what}: ${path}`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'qingdan-e2e-'));
  const dbPath = database(dir);
  // Exports and reports the window saves, instead of the user's documents folder.
  const exportDir = join(dir, 'exports');

  const port = await freePort();
  const nativePort = await freePort();
  const log = [];
  // Its own process group, so stop() ends WebKitWebDriver and the app with it.
  const driver = spawn(DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    env: cleanEnv({ QINGDAN_DB: dbPath, QINGDAN_LANG: 'zh', QINGDAN_EXPORT_DIR: exportDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  driver.stdout.on('data', (d) => log.push(String(d)));
  driver.stderr.on('data', (d) => log.push(String(d)));
  const spawnFailed = new Promise((_, fail) => driver.on('error', (e) => fail(new Error(`cannot start ${DRIVER}: ${e.message}`))));

  let browser;
  const stop = async () => {
    try {
      await browser?.deleteSession();
    } catch {
      // the session may already be gone with the app
    }
    if (driver.exitCode === null) {
      try {
        process.kill(-driver.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 5_000;
      while (driver.exitCode === null && Date.now() < deadline) await sleep(100);
      if (driver.exitCode === null) {
        try {
          process.kill(-driver.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([waitForDriver(port, driver, log), spawnFailed]);
    browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryCount: 0,
      waitforTimeout: 15_000,
      capabilities: { 'tauri:options': { application: APP } },
    });
    const url = await browser.getUrl();
    if (url.startsWith('http://localhost:5173')) {
      throw new Error(
        `${APP} is a development build that loads the Vite dev server (${url}); ` +
          'build it with `npx tauri build --debug --no-bundle` first',
      );
    }
  } catch (e) {
    await stop();
    e.message += `\n--- tauri-driver output ---\n${log.join('')}`;
    throw e;
  }

  return {
    browser,
    dbPath,
    exportDir,
    log,
    screenshot: (name) => browser.saveScreenshot(join(ARTIFACTS, `${name}.png`)),
    stop,
  };
}

/** The numbers in an element's text, e.g. "衡量标准 66 项" → [66]. */
export function numbersIn(text) {
  return (text.match(/\d+/g) ?? []).map(Number);
}
