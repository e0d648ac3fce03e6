// Field inspection (issue 3) end to end: an inspector starts an inspection of
// a small demo facility, walks every item of its checklist with the keyboard
// alone, records a 不符合 with a quick phrase, severity, scope and a photo, a
// 基本符合 with a finding and a 不适用 with a reason, signs off and finds the
// inspection in the facility's history. Then: verdicts the window reports as
// saved survive the app being killed (SIGKILL) and are all there in a new
// session and through the CLI. Screenshots go to tests/e2e/artifacts/2x-3x-*.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { Key } from 'webdriverio';

import { cliJson, driving, makePng, submitStart, tid } from './drive.js';
import { APP, demoDatabase, startApp } from './harness.js';

const HOME_CARE_POINT = '居家养老服务点';

// ---- files and processes outside the window

/** The pid(s) of the desktop app running on `dbPath` (tauri-driver hands QINGDAN_DB down to it). */
function appPids(dbPath) {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-f', APP], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return out
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`QINGDAN_DB=${dbPath}`);
      } catch {
        return false;
      }
    });
}

/** Every process (the app's WebKit helpers too) whose environment names `dbPath`: [pid, command]. */
function processesOn(dbPath) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || processEnded(Number(entry))) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`QINGDAN_DB=${dbPath}`)) {
        out.push([Number(entry), readFileSync(`/proc/${entry}/comm`, 'utf8').trim()]);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Gone, or a zombie waiting for its parent: it runs no more code either way. */
function processEnded(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The text of quick phrase `n` (1-based) of the current item, without its key hint. */
function phraseText(browser, n) {
  return browser.execute((sel) => {
    const b = document.querySelector(sel);
    if (!b) return null;
    return [...b.childNodes]
      .filter((c) => c.nodeType === Node.TEXT_NODE)
      .map((c) => c.textContent)
      .join('')
      .trim();
  }, `[data-testid="quick-phrase"][data-index="${n}"]`);
}

const FINDING_PARTIAL = '护理记录不完整，部分老人缺少每日巡视签字';
const PHRASE_EXTRA = '（现场抽查3户）';
const NA_REASON = '该服务点不提供此项服务，经核实无相关场所';

describe('现场检查: a home-care point walked by keyboard and signed off', { timeout: 300_000 }, () => {
  let app;
  let browser;
  let h;
  let photoDir;
  let photo;
  let photoSha;
  let facility;
  let inspectionId;
  let codes = [];
  let ncFinding;

  before(async () => {
    photoDir = mkdtempSync(join(tmpdir(), 'qingdan-photo-'));
    photo = join(photoDir, '现场照片-消防通道.png');
    const png = makePng(96, 64);
    writeFileSync(photo, png);
    photoSha = createHash('sha256').update(png).digest('hex');
    app = await startApp();
    browser = app.browser;
    h = driving(app);
  });

  after(async () => {
    await app?.stop();
    if (photoDir) rmSync(photoDir, { recursive: true, force: true });
  });

  test('an inspection of a 居家养老服务点 starts from the registry drawer', async () => {
    await browser.$(tid('nav-facilities')).waitForDisplayed({ timeout: 30_000 });
    await h.click(tid('nav-facilities'));
    await browser.$(tid('facility-search')).setValue(HOME_CARE_POINT);
    await h.waitFor('only home-care points listed', async () => {
      const names = await browser.execute(
        (sel) => [...document.querySelectorAll(sel)].map((r) => r.querySelector('.name')?.textContent ?? ''),
        tid('facility-row'),
      );
      return names.length > 0 && names.every((n) => n.includes(HOME_CARE_POINT));
    });
    const row = browser.$(tid('facility-row'));
    facility = { id: await row.getAttribute('data-id'), name: (await row.$('.name').getText()).trim() };
    await h.click(row);
    await browser.$(`${tid('facility-drawer')}[data-id="${facility.id}"]`).waitForDisplayed();
    await h.click(tid('facility-start-inspection'));

    const chosen = browser.$(tid('start-target-selected'));
    await chosen.waitForDisplayed();
    assert.equal(await chosen.getAttribute('data-id'), facility.id, 'the drawer hands its facility to the start form');
    assert.ok((await chosen.getText()).includes(facility.name), 'the start form names the facility');
    await h.click(`${tid('start-kind-option')}[data-kind="special"]`);
    await h.clickText(tid('start-group-suggestion'), '第二组');
    assert.equal(await h.value('start-group'), '第二组');
    await browser.$(tid('start-leader')).setValue('张三');
    await browser.$(tid('start-members')).setValue('李四、赵六');
    await browser.$(tid('start-representatives')).setValue('王院长');
    await h.shot('20-inspection-start');
    inspectionId = await submitStart(browser, h);

    assert.equal((await browser.$(tid('inspection-target')).getText()).trim(), facility.name);
    assert.equal(await h.attr(tid('inspection-status'), 'data-status'), 'draft');
    await h.ensureFocusMode();
    codes = await h.codes();
    const shown = cliJson(app.dbPath, 'inspection', 'show', inspectionId);
    assert.deepEqual(
      [shown.target_id, shown.kind, shown.group, shown.leader, shown.members, shown.representatives],
      [facility.id, 'special', '第二组', '张三', ['李四', '赵六'], ['王院长']],
      'the start form reached the core',
    );
    assert.deepEqual(
      codes,
      shown.items.map((i) => i.code),
      'the walker lists exactly the checklist the core built',
    );
    assert.ok(codes.length >= 5 && codes.length <= 15, `a short checklist for a home-care point: ${codes}`);
    assert.equal(await h.progress(), `0/${codes.length}`);
    await h.expectAt(codes[0]);
  });

  test('every item is walked with the keyboard alone', async () => {
    assert.ok(inspectionId, 'the inspection started');
    const [c0, c1, c2, c3, c4] = codes;

    // 1 符合, then j.
    await h.press('1');
    await h.expectVerdict(c0, 'compliant');
    await h.expectPressed('verdict-compliant');
    await h.press('j');
    await h.expectAt(c1);

    // 2 基本符合 puts the cursor in the finding; Ctrl+Enter saves and moves on.
    await h.press('2');
    await h.expectVerdict(c1, 'partial');
    await h.type('finding-input', FINDING_PARTIAL);
    assert.equal(await h.value('finding-input'), FINDING_PARTIAL, 'the typed finding is in the field');
    await browser.keys([Key.Ctrl, Key.Enter]);
    await h.expectAt(c2);

    // 3 不符合; Esc leaves the finding; p1 a quick phrase; f back into the finding; s2 较重; c1 个别.
    await h.press('3');
    await h.expectVerdict(c2, 'noncompliant');
    await h.waitFor('the finding focused after 不符合', async () => (await h.active()) === 'finding-input');
    await h.press(Key.Escape);
    await h.waitFor('Esc to leave the finding', async () => (await h.active()) === 'item-panel');
    const phrase = await phraseText(browser, 1);
    assert.ok(phrase, `item ${c2} offers a first quick phrase`);
    await h.press('p');
    await browser.$(tid('key-prefix')).waitForDisplayed({ timeout: 5_000 });
    await h.press('1');
    await h.waitFor('the quick phrase in the finding', async () => (await h.value('finding-input')) === phrase);
    assert.equal(await h.count(tid('key-prefix')), 0, 'the p prefix is consumed');
    await h.press('f');
    await h.type('finding-input', PHRASE_EXTRA);
    ncFinding = phrase + PHRASE_EXTRA;
    assert.equal(await h.value('finding-input'), ncFinding, 'f puts the cursor at the end of the finding');
    await h.press(Key.Escape);
    await h.waitFor('Esc to leave the finding again', async () => (await h.active()) === 'item-panel');
    await h.press('s', '2');
    await h.expectPressed('severity-serious');
    await h.press('c', '1');
    await h.expectPressed('scope-individual');
    assert.equal(await h.attr(tid('severity-general'), 'aria-pressed'), 'false');
    assert.equal(await h.attr(tid('scope-widespread'), 'aria-pressed'), 'false');

    // a asks for a file: the click on the file input is caught here so that no native chooser opens.
    await browser.execute((sel) => {
      window.__fileChooserAsked = 0;
      document.querySelector(sel).addEventListener(
        'click',
        (e) => {
          window.__fileChooserAsked += 1;
          e.preventDefault();
        },
        { once: true },
      );
    }, tid('evidence-input'));
    await h.press('a');
    await h.waitFor('a to open the file chooser', async () => (await browser.execute(() => window.__fileChooserAsked)) === 1);
    // The photo itself goes in as the chooser would hand it over.
    await browser.$(tid('evidence-input')).addValue(photo);
    const thumb = browser.$(`${tid('evidence-thumb')}[data-sha="${photoSha}"]`);
    await h.waitFor('the photo thumbnail', async () =>
      browser.execute((sel) => {
        const img = document.querySelector(sel);
        return !!img && img.complete && img.naturalWidth > 0;
      }, `${tid('evidence-thumb')}[data-sha="${photoSha}"]`),
    );
    assert.ok(await thumb.isDisplayed(), 'the thumbnail is shown');
    await h.waitFor(`${c2} saved`, async () => (await h.attr(tid('save-state'), 'data-state')) === 'saved');
    // For the picture only: the finding, the phrases and the thumbnail in one view.
    await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'end' }), tid('evidence-thumb'));
    await h.shot('22-noncompliant-editor');
    await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), tid('item-panel'));
    await h.press('j');
    await h.expectAt(c3);

    // 4 不适用 puts the cursor in the reason; Enter there saves and moves on.
    await h.press('4');
    await h.expectVerdict(c3, 'not_applicable');
    await h.type('na-reason-input', NA_REASON);
    await h.press(Key.Enter);
    await h.expectAt(c4);
    await h.shot('21-checklist-mid-walk');

    // ? help and Esc; m list mode and back.
    await h.press('?');
    await browser.$(tid('shortcut-help')).waitForDisplayed({ timeout: 5_000 });
    await h.shot('23-shortcut-help');
    await h.press(Key.Escape);
    await h.waitFor('Esc to close the help', async () => (await h.count(tid('shortcut-help'))) === 0);
    await h.press('m');
    await h.waitFor('list mode', async () => (await h.attr(tid('mode-toggle'), 'data-mode')) === 'list');
    await h.waitFor('the list shows the verdicts so far', async () => (await h.verdictOf(c3)) === 'not_applicable');
    await h.shot('21b-checklist-list-mode');
    await h.press('m');
    await h.waitFor('one-at-a-time mode', async () => (await h.attr(tid('mode-toggle'), 'data-mode')) === 'focus');
    await h.expectAt(c4);

    // 1 on c4; k and ↓ move back and forth; n goes to the next unanswered item.
    await h.press('1');
    await h.expectVerdict(c4, 'compliant');
    await h.press('k');
    await h.expectAt(c3);
    await h.press(Key.ArrowUp);
    await h.expectAt(c2);
    await h.press(Key.ArrowDown, Key.ArrowDown);
    await h.expectAt(c4);
    await h.press(Key.ArrowDown);
    await h.expectAt(codes[5] ?? c4);
    // Back to the start, then n skips every answered item.
    for (let i = 0; i < codes.length; i++) await h.press('k');
    await h.expectAt(c0);
    for (const code of codes.slice(5)) {
      await h.press('n');
      await h.expectAt(code);
      await h.press('1');
      await h.expectVerdict(code, 'compliant');
    }
    assert.equal(await h.progress(), `${codes.length}/${codes.length}`);

    // / searches; Enter jumps to the first match.
    await h.press('/');
    await h.type('checklist-search', c3);
    await h.waitFor('the search to narrow the checklist', async () => {
      const shown = await h.codes();
      return shown.includes(c3) && shown.length < codes.length;
    });
    await h.press(Key.Enter);
    await h.expectAt(c3);
    await h.press('/');
    await h.waitFor('the search focused', async () => (await h.active()) === 'checklist-search');
    await h.press(Key.Backspace, Key.Escape);
    await h.waitFor('the whole checklist again', async () => (await h.codes()).length === codes.length);
    await h.waitFor('Esc back on the item', async () => (await h.active()) === 'item-panel');
    await h.expectAt(c3);

    await h.waitAllSaved(codes);
    const verdicts = {};
    for (const c of codes) verdicts[c] = await h.verdictOf(c);
    assert.deepEqual(
      verdicts,
      Object.fromEntries(
        codes.map((c, i) => [c, ['compliant', 'partial', 'noncompliant', 'not_applicable'][i] ?? 'compliant']),
      ),
    );
  });

  test('n with nothing left opens 完成检查, and the sign-off dialog signs and locks it', async () => {
    await h.press('n');
    await browser.$(tid('completion-panel')).waitForDisplayed();
    await browser.$(tid('completion-ready')).waitForDisplayed();
    assert.equal(await h.count(tid('completion-gap')), 0, 'no gap is left');
    await h.waitFor('the sign-off button enabled and focused', async () => (await h.active()) === 'signoff-open');
    await h.shot('24-completion');
    await h.press(Key.Enter);
    const dialog = browser.$(tid('signoff-dialog'));
    await dialog.waitForDisplayed();
    await h.waitFor('the inspectors filled in', async () => (await h.value('signoff-inspectors')) === '张三、李四、赵六');
    assert.equal(await h.value('signoff-representative'), '王院长');
    // A short stroke on the signature pad.
    const pad = browser.$(tid('signature-pad'));
    const padCanvas = (await pad.getTagName()) === 'canvas' ? pad : pad.$('canvas');
    await browser
      .action('pointer', { parameters: { pointerType: 'mouse' } })
      .move({ origin: padCanvas, x: -120, y: 10 })
      .down()
      .move({ origin: padCanvas, x: -40, y: -25, duration: 100 })
      .move({ origin: padCanvas, x: 40, y: 20, duration: 100 })
      .move({ origin: padCanvas, x: 120, y: -10, duration: 100 })
      .up()
      .perform();
    await h.waitFor('ink on the signature pad', async () => (await h.attr(tid('signature-pad'), 'data-inked')) === '1');
    await h.shot('25-signoff-dialog');
    await h.click(tid('signoff-submit'));
    await h.waitFor('the inspection signed', async () => (await h.attr(tid('inspection-status'), 'data-status')) === 'signed');
    await browser.$(tid('signed-summary')).waitForDisplayed();
    await dialog.waitForDisplayed({ reverse: true });
    assert.equal((await browser.$(tid('signed-inspectors')).getText()).trim(), '张三、李四、赵六');
    assert.equal((await browser.$(tid('signed-representative')).getText()).trim(), '王院长');
    await h.waitFor('the drawn signature shown', async () =>
      browser.execute((sel) => {
        const img = document.querySelector(sel);
        return !!img && img.complete && img.naturalWidth > 0;
      }, tid('signed-signature')),
    );
    await h.shot('26-signed');

    // Signed means locked: a verdict key changes nothing.
    await h.press('k');
    await h.expectAt(codes[codes.length - 1]);
    const before = await h.verdictOf(codes[codes.length - 1]);
    await h.press('3');
    await sleep(400);
    assert.equal(await h.verdictOf(codes[codes.length - 1]), before, 'a signed inspection ignores verdict keys');

    const shown = cliJson(app.dbPath, 'inspection', 'show', inspectionId);
    assert.equal(shown.status, 'signed');
    assert.deepEqual(shown.signoff.inspectors, ['张三', '李四', '赵六']);
    assert.equal(shown.signoff.representative, '王院长');
    assert.ok(shown.signoff.signature, 'the drawn signature is stored');
    const byCode = Object.fromEntries(shown.items.map((i) => [i.code, i]));
    const [, c1, c2, c3] = codes;
    assert.equal(byCode[c1].verdict, 'partial');
    assert.equal(byCode[c1].finding, FINDING_PARTIAL);
    assert.equal(byCode[c2].verdict, 'noncompliant');
    assert.equal(byCode[c2].finding, ncFinding);
    assert.equal(byCode[c2].severity, 'serious');
    assert.equal(byCode[c2].scope, 'individual');
    assert.deepEqual(byCode[c2].evidence, [photoSha], 'the photo is stored by its sha256');
    const photoMeta = shown.attachments.find((a) => a.sha256 === photoSha);
    assert.equal(photoMeta?.media_type, 'image/png');
    assert.equal(photoMeta?.width, 96);
    assert.equal(photoMeta?.original_name, '现场照片-消防通道.png');
    assert.equal(byCode[c3].verdict, 'not_applicable');
    assert.equal(byCode[c3].na_reason, NA_REASON);
    assert.ok(
      shown.items.every((i) => i.verdict !== null),
      `every item has a verdict: ${shown.items.map((i) => `${i.code}=${i.verdict}`)}`,
    );
  });

  test("the signed inspection is in the facility's history", async () => {
    await h.click(tid('nav-facilities'));
    const row = `${tid('facility-row')}[data-id="${facility.id}"]`;
    await h.waitFor('the facility row', async () => (await h.count(row)) === 1);
    await h.click(row);
    await browser.$(`${tid('facility-drawer')}[data-id="${facility.id}"]`).waitForDisplayed();
    const historyRow = `${tid('facility-history-row')}[data-id="${inspectionId}"]`;
    await h.waitFor('the inspection in the history', async () => (await h.count(historyRow)) === 1);
    assert.equal(await h.attr(historyRow, 'data-status'), 'signed');
    assert.equal(await h.count(tid('facility-history-row')), 1, 'one inspection of this facility so far');
    const text = await browser.$(historyRow).getText();
    assert.ok(text.includes('第二组'), `the row names the group: ${text}`);
    assert.ok(text.includes(`${codes.length}/${codes.length}`), `the row shows the progress: ${text}`);
    await h.waitFor('the drawer to have slid in', () =>
      browser.execute((sel) => {
        const r = document.querySelector(sel)?.closest('.el-drawer')?.getBoundingClientRect();
        return !!r && r.right <= window.innerWidth + 1;
      }, tid('facility-drawer')),
    );
    await h.shot('27-facility-history');
    await h.click(historyRow);
    await h.waitFor('the history row to open the inspection', async () => (await h.inspectionIdFromUrl()) === inspectionId);
    await h.waitFor('the signed inspection shown', async () => (await h.attr(tid('inspection-status'), 'data-status')) === 'signed');
  });
});

describe('现场检查: saved verdicts survive the app being killed', { timeout: 300_000 }, () => {
  let dir;
  let db;
  let app;
  let inspectionId;
  let codes = [];
  const FINDING_NC = '消防通道堆放杂物，灭火器压力不足';
  const FINDING_PARTIAL2 = '服务台账登记不全';
  const REASON = '未设置助餐点';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qingdan-kill-'));
    db = demoDatabase(dir);
  });

  after(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('verdicts recorded by keyboard read 已保存, then the app is killed', async (t) => {
    const points = cliJson(db, 'facility', 'list', '--kind', HOME_CARE_POINT);
    assert.ok(points.length >= 2, 'the demo has several home-care points');
    const target = points[points.length - 1];
    app = await startApp({ database: () => db });
    const { browser } = app;
    const h = driving(app);

    await browser.$(tid('nav-inspections')).waitForDisplayed({ timeout: 30_000 });
    await h.click(tid('nav-inspections'));
    await h.click(tid('inspection-new'));
    await h.type('start-target-search', target.name);
    await h.waitFor('the target offered first', async () => (await h.attr(tid('start-target-option'), 'data-id')) === target.id);
    await h.press(Key.Enter);
    await browser.$(tid('start-target-selected')).waitForDisplayed();
    assert.equal(await h.attr(tid('start-target-selected'), 'data-id'), target.id);
    await h.clickText(tid('start-group-suggestion'), '第三组');
    inspectionId = await submitStart(browser, h);
    await h.ensureFocusMode();
    codes = await h.codes();
    assert.ok(codes.length >= 5, `checklist: ${codes}`);
    const [c0, c1, c2, c3] = codes;
    await h.expectAt(c0);

    await h.press('1', 'j');
    await h.expectAt(c1);
    await h.press('3');
    await h.type('finding-input', FINDING_NC);
    await h.press(Key.Escape, 's', '3', 'c', '3');
    await h.expectPressed('severity-major');
    await h.expectPressed('scope-widespread');
    await h.press('j');
    await h.expectAt(c2);
    await h.press('4');
    await h.type('na-reason-input', REASON);
    await h.press(Key.Enter);
    await h.expectAt(c3);
    await h.press('2');
    await h.type('finding-input', FINDING_PARTIAL2);
    // Stays in the field: the finding is saved on its own (debounced), not by leaving it.
    await h.waitAllSaved([c0, c1, c2, c3]);
    assert.equal(await h.attr(tid('save-state'), 'data-state'), 'saved');
    assert.equal(await h.progress(), `4/${codes.length}`);
    await h.shot('30-before-kill');

    const pids = appPids(db);
    assert.equal(pids.length, 1, `one qingdan-desktop process on ${db}: ${pids}`);
    process.kill(pids[0], 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!processEnded(pids[0]) && Date.now() < deadline) await sleep(100);
    assert.ok(processEnded(pids[0]), 'the app is dead');
    await app.stop();
    app = null;
    // The killed app's WebKit helpers end on their own once their parent is gone; a
    // new session waits for them, as a user restarting the app would a moment later.
    const from = Date.now();
    const lingering = processesOn(db);
    let left = lingering;
    while (left.length && Date.now() < from + 20_000) {
      await sleep(200);
      left = processesOn(db);
    }
    t.diagnostic(
      left.length
        ? `still running on ${db} 20 s after the kill: ${JSON.stringify(left)}`
        : `after the kill and stop(): ${JSON.stringify(lingering)} ended within ${Date.now() - from} ms`,
    );
  });

  test('the CLI and a new session find every saved verdict', async () => {
    assert.ok(inspectionId, 'the first session started an inspection');
    const [c0, c1, c2, c3, ...rest] = codes;
    const shown = cliJson(db, 'inspection', 'show', inspectionId);
    assert.equal(shown.id, inspectionId);
    assert.equal(shown.status, 'draft');
    const byCode = Object.fromEntries(shown.items.map((i) => [i.code, i]));
    assert.equal(byCode[c0].verdict, 'compliant');
    assert.deepEqual(
      [byCode[c1].verdict, byCode[c1].finding, byCode[c1].severity, byCode[c1].scope],
      ['noncompliant', FINDING_NC, 'major', 'widespread'],
    );
    assert.deepEqual([byCode[c2].verdict, byCode[c2].na_reason], ['not_applicable', REASON]);
    assert.deepEqual([byCode[c3].verdict, byCode[c3].finding], ['partial', FINDING_PARTIAL2]);
    for (const c of rest) assert.equal(byCode[c].verdict, null, `${c} was not answered`);

    app = await startApp({ database: () => db });
    const { browser } = app;
    const h = driving(app);
    try {
      await browser.$(tid('nav-inspections')).waitForDisplayed({ timeout: 30_000 });
    } catch (e) {
      e.message += `\n--- tauri-driver output ---\n${app.log.join('').slice(-4000)}`;
      throw e;
    }
    await h.click(tid('nav-inspections'));
    const draft = `${tid('draft-row')}[data-id="${inspectionId}"]`;
    await h.waitFor('the draft on the home screen', async () => (await h.count(draft)) === 1);
    assert.equal((await browser.$(draft).$(tid('inspection-progress')).getText()).trim(), `4/${codes.length}`);
    await h.click(draft);
    await h.waitFor('the walker', async () => (await h.inspectionIdFromUrl()) === inspectionId);
    await browser.$(tid('item-panel')).waitForDisplayed();
    await h.ensureFocusMode();
    assert.equal(await h.progress(), `4/${codes.length}`);
    const verdicts = {};
    for (const c of codes) verdicts[c] = await h.verdictOf(c);
    assert.deepEqual(verdicts, {
      [c0]: 'compliant',
      [c1]: 'noncompliant',
      [c2]: 'not_applicable',
      [c3]: 'partial',
      ...Object.fromEntries(rest.map((c) => [c, ''])),
    });

    await h.click(`${tid('checklist-item')}[data-code="${c1}"]`);
    await h.expectAt(c1);
    assert.equal(await h.value('finding-input'), FINDING_NC);
    await h.expectPressed('verdict-noncompliant');
    await h.expectPressed('severity-major');
    await h.expectPressed('scope-widespread');
    await h.shot('31-after-restart');
    await h.press('j');
    await h.expectAt(c2);
    assert.equal(await h.value('na-reason-input'), REASON);
    await h.press('j');
    await h.expectAt(c3);
    assert.equal(await h.value('finding-input'), FINDING_PARTIAL2);
    await h.expectPressed('verdict-partial');
    assert.equal(await h.count(tid('error-banner')), 0, 'no error after the restart');
  });
});
