// The system's file dialogs, driven as a person would: with the keyboard, by
// xdotool, on the same X display as the app (GTK's file chooser is a native
// window WebDriver cannot reach).
// - 另存为 of a printed summary: the dialog opens with the file's name, a path
//   typed into it receives a byte-for-byte copy, and the window says where.
// - Cancelling the dialog writes nothing and shows no error.
// - 添加其他位置的文件 on the 同步 page: a bundle chosen on a "USB stick" is
//   copied into the export folder and listed there, ready to import.
// Screenshots go to tests/e2e/artifacts/8x-*.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { cli, driving, tid } from './drive.js';
import { ARTIFACTS, demoDatabase, startApp } from './harness.js';

const xdotool = (...args) => execFileSync('xdotool', args, { encoding: 'utf8', timeout: 30_000 }).trim();

/**
 * Waits for the dialog titled `title` to map, gives it the keyboard (there is
 * no window manager under Xvfb to do so) and answers its window id.
 */
async function dialogWindow(title) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let ids = [];
    try {
      ids = xdotool('search', '--onlyvisible', '--name', `^${title}$`).split('\n').filter(Boolean);
    } catch {
      // xdotool exits 1 while nothing matches
    }
    if (ids.length) {
      const id = ids[ids.length - 1];
      xdotool('windowfocus', '--sync', id);
      // GTK sets up the chooser's widgets after the window maps.
      await sleep(700);
      return id;
    }
    if (Date.now() > deadline) {
      let windows = '';
      try {
        windows = xdotool('search', '--name', '.').split('\n').map((w) => `${w} ${xdotool('getwindowname', w)}`).join('; ');
      } catch {
        // none at all
      }
      throw new Error(`no dialog titled ${title} appeared; windows: ${windows}`);
    }
    await sleep(200);
  }
}

/**
 * The whole X screen, dialog included (WebDriver's screenshot shows only the
 * web view), as an XWD file when xwd is there: for a person to look at.
 */
function screenDump(name) {
  try {
    execFileSync('xwd', ['-root', '-silent', '-out', join(ARTIFACTS, `${name}.xwd`)], { timeout: 30_000, stdio: 'ignore' });
  } catch {
    // a look, not a check
  }
}

function isOpen(id) {
  try {
    return xdotool('search', '--onlyvisible', '--name', '.').split('\n').includes(id);
  } catch {
    return false;
  }
}

/**
 * Types `path` into the file chooser and confirms it, as often as it takes
 * the dialog to close: keys sent while GTK is still building the chooser are
 * lost, as they would be for a person typing that fast.
 */
async function choosePath(id, path) {
  for (let attempt = 0; attempt < 3; attempt++) {
    xdotool('windowfocus', '--sync', id);
    // GTK opens its location field when a path starts with "/"; in a save
    // dialog the name field takes a whole path. Select what is there first.
    xdotool('key', '--window', id, 'ctrl+a');
    xdotool('type', '--delay', '15', path);
    await sleep(400);
    xdotool('key', 'Return');
    const deadline = Date.now() + 4_000;
    while (Date.now() < deadline) {
      if (!isOpen(id)) return;
      await sleep(200);
    }
  }
  throw new Error(`the dialog did not take ${path}`);
}

describe('file dialogs: save a copy elsewhere, take sync files in from elsewhere', { timeout: 300_000 }, () => {
  let app;
  let browser;
  let h;
  let usb;
  let bundleOnUsb;

  before(async () => {
    usb = mkdtempSync(join(tmpdir(), 'qingdan-usb-'));
    app = await startApp({
      database: (dir) => {
        // Another laptop's sync file, waiting on the stick.
        const other = join(dir, 'other');
        mkdirSync(other);
        const db = demoDatabase(other);
        cli(db, 'device', 'name', 'laptop2');
        bundleOnUsb = join(usb, 'group2-laptop.qingdan');
        cli(db, 'bundle', 'export', '--out', bundleOnUsb);
        return demoDatabase(dir);
      },
    });
    browser = app.browser;
    h = driving(app);
    await browser.$(tid('nav-dashboard')).waitForDisplayed({ timeout: 30_000 });
  });

  after(async () => {
    await app?.stop();
    if (usb) rmSync(usb, { recursive: true, force: true });
  });

  test('另存为 copies a printed summary to the place typed into the save dialog', async () => {
    await h.click(tid('nav-dashboard'));
    await h.click(tid('report-summary'));
    let saved = null;
    await h.waitFor('the printed summary', async () => {
      saved = await h.attr(tid('saved-file'), 'data-path');
      return !!saved;
    });

    await h.click(tid('save-file-as'));
    const id = await dialogWindow('另存为');
    const suggested = xdotool('getwindowname', id);
    assert.equal(suggested, '另存为');
    screenDump('80-save-dialog');
    const copy = join(usb, 'summary-copy.pdf');
    await choosePath(id, copy);

    let shown = null;
    await h.waitFor('the copy reported', async () => {
      shown = await h.attr(tid('saved-copy'), 'data-path');
      return !!shown;
    });
    assert.equal(shown, copy);
    assert.ok(readFileSync(copy).equals(readFileSync(saved)), 'the copy has the same bytes');
    await app.screenshot('81-saved-copy');
  });

  test('cancelling the save dialog writes nothing and shows no error', async () => {
    const before = readdirSync(usb).sort();
    await h.click(tid('save-file-as'));
    const id = await dialogWindow('另存为');
    xdotool('windowfocus', '--sync', id);
    xdotool('key', 'Escape');
    await h.waitFor('the button idle again', async () => !(await browser.$(tid('save-file-as')).getAttribute('class')).includes('is-loading'));
    assert.deepEqual(readdirSync(usb).sort(), before);
    assert.equal(await h.count(tid('error-banner')), 0);
  });

  test('添加其他位置的文件 copies a chosen sync file into the folder, listed for import', async () => {
    await h.click(tid('nav-sync'));
    await browser.$(tid('sync-import-panel')).waitForDisplayed({ timeout: 15_000 });
    assert.ok(!existsSync(join(app.exportDir, basename(bundleOnUsb))));

    await h.click(tid('sync-receive'));
    const id = await dialogWindow('选择同步文件');
    screenDump('82-open-dialog');
    await choosePath(id, bundleOnUsb);

    await h.waitFor('the file listed', async () => {
      for (const row of await browser.$$(tid('sync-file-row'))) {
        if ((await row.getAttribute('data-name')) === basename(bundleOnUsb)) return (await row.getAttribute('data-state')) === 'untrusted';
      }
      return false;
    });
    assert.ok(readFileSync(join(app.exportDir, basename(bundleOnUsb))).equals(readFileSync(bundleOnUsb)));
    assert.match(await browser.$(tid('sync-received')).getText(), /group2-laptop\.qingdan/);
    await app.screenshot('83-received-file');
  });
});
