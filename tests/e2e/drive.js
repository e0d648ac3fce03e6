// Driving the built app by data-testid, shared by the end-to-end tests: the
// CLI beside it, waits that explain themselves on timeout, keys to whatever
// has the focus, and the steps of starting an inspection.

import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';

import { CLI } from './harness.js';

export const tid = (id) => `[data-testid="${id}"]`;
/** The W3C web element reference key (what getActiveElement answers with). */
export const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

export function cli(db, ...args) {
  const env = { ...process.env };
  delete env.QINGDAN_DB;
  return execFileSync(CLI, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
}
export const cliJson = (db, ...args) => JSON.parse(cli(db, ...args, '--json'));

// ---- the window

/** Helpers bound to one app session. */
export function driving(app) {
  const { browser } = app;
  const h = {
    async count(selector) {
      return (await browser.$$(selector)).length;
    },
    /** Clicks the one element of `selector` whose text is `text`. */
    async clickText(selector, text) {
      let found;
      await h.waitFor(`${selector} reading ${text}`, async () => {
        for (const el of await browser.$$(selector)) {
          if ((await el.getText()).trim() === text) {
            found = el;
            return true;
          }
        }
        return false;
      });
      await h.click(found);
    },
    async click(selectorOrElement) {
      const el = typeof selectorOrElement === 'string' ? browser.$(selectorOrElement) : selectorOrElement;
      await el.waitForClickable({ timeout: 15_000 });
      await el.click();
    },
    /** Waits for `condition`; on timeout saves a screenshot and adds what the UI shows. */
    async waitFor(what, condition, timeout = 15_000) {
      try {
        await browser.waitUntil(condition, { timeout, interval: 150, timeoutMsg: `timed out waiting for ${what}` });
      } catch (e) {
        await app.screenshot(`failed-${what.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60)}`).catch(() => {});
        const shown = await browser
          .execute(() => ({
            errors: [...document.querySelectorAll('[data-testid="error-banner"]')].map((b) => b.innerText),
            active: document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName,
            panel: document.querySelector('[data-testid="item-panel"]')?.getAttribute('data-code'),
          }))
          .catch(() => ({}));
        e.message += `\nUI state: ${JSON.stringify(shown)}`;
        throw e;
      }
    },
    /** A screenshot once transitions (tags, dialogs, drawers: 200–300 ms in Element Plus) have ended. */
    async shot(name) {
      await sleep(450);
      await app.screenshot(name);
    },
    /** data-testid (or tag name) of the element that has the keyboard focus. */
    active() {
      return browser.execute(() => {
        const el = document.activeElement;
        return el?.getAttribute('data-testid') ?? el?.tagName ?? null;
      });
    },
    /** One key to whatever has the focus, as the inspector's keyboard would. */
    async press(...keys) {
      for (const k of keys) {
        await browser.keys(k);
        await sleep(60);
      }
    },
    /** Types into the focused field, after checking that it is `testid`. */
    async type(testid, text) {
      await h.waitFor(`the focus in ${testid}`, async () => (await h.active()) === testid);
      const focused = await browser.getActiveElement();
      await browser.elementSendKeys(focused[ELEMENT_KEY], text);
    },
    value(testid) {
      return browser.execute((sel) => document.querySelector(sel)?.value ?? null, tid(testid));
    },
    attr(selector, name) {
      return browser.execute((sel, n) => document.querySelector(sel)?.getAttribute(n) ?? null, selector, name);
    },
    currentCode() {
      return h.attr(tid('item-panel'), 'data-code');
    },
    async expectAt(code) {
      await h.waitFor(`item ${code} to be the current one`, async () => (await h.currentCode()) === code);
    },
    verdictOf(code) {
      return h.attr(`${tid('checklist-item')}[data-code="${code}"]`, 'data-verdict');
    },
    async expectVerdict(code, verdict) {
      await h.waitFor(`${code} to read ${verdict}`, async () => (await h.verdictOf(code)) === verdict);
    },
    async expectPressed(testid) {
      await h.waitFor(`${testid} pressed`, async () => (await h.attr(tid(testid), 'aria-pressed')) === 'true');
    },
    /** The codes of the checklist in the order shown (the navigation in one-at-a-time mode). */
    codes() {
      return browser.execute(
        (sel) => [...document.querySelectorAll(sel)].map((e) => e.getAttribute('data-code')),
        tid('checklist-item'),
      );
    },
    async progress() {
      return (await browser.$(tid('checklist-progress')).getText()).trim();
    },
    inspectionIdFromUrl: async () => (await browser.getUrl()).match(/#\/inspections\/([0-9a-f-]{36})/)?.[1] ?? null,
    /** One item at a time, whatever a previous run left in localStorage. */
    async ensureFocusMode() {
      if ((await h.attr(tid('mode-toggle'), 'data-mode')) !== 'focus') {
        await h.click(tid('mode-toggle'));
        await h.waitFor('one-at-a-time mode', async () => (await h.attr(tid('mode-toggle'), 'data-mode')) === 'focus');
      }
    },
    /** Every item whose save the UI tracked reads saved, and nothing is on its way. */
    async waitAllSaved(codes) {
      await h.waitFor('全部已保存', async () => {
        const s = await browser.$(tid('save-summary'));
        if ((await s.getAttribute('data-unsaved')) !== '0') return false;
        if (!(await s.getText()).includes('全部已保存')) return false;
        for (const c of codes) {
          if ((await h.attr(`${tid('checklist-item')}[data-code="${c}"]`, 'data-save')) !== 'saved') return false;
        }
        return true;
      });
    },
  };
  return h;
}

/** Opens the walker of a new inspection from the filled-in start form. */
export async function submitStart(browser, h) {
  await h.click(tid('start-submit'));
  let id = null;
  await h.waitFor('the walker of the new inspection', async () => {
    id = await h.inspectionIdFromUrl();
    return !!id && (await browser.$(tid('item-panel')).isExisting());
  });
  return id;
}

// ---- a real photo to attach as evidence

function crc32(buf) {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real 8-bit RGB PNG of `width`×`height`: a gradient with a dark diagonal, so the thumbnail is visibly a picture. */
export function makePng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const on = Math.abs(x * height - y * width) < width * 2;
      const p = row + 1 + x * 3;
      raw[p] = on ? 20 : Math.round((255 * x) / width);
      raw[p + 1] = on ? 30 : 140;
      raw[p + 2] = on ? 60 : Math.round((255 * y) / height);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
