// 同步 end to end: laptop A (made with the CLI) records a 不符合 with a photo,
// signs, and exports a sync file; it lands in the export folder of laptop B,
// which runs the app. B's 同步 page lists the file, asks to compare A's
// fingerprint before trusting it, imports it with a progress bar and a report,
// and then shows A's inspection with the finding and the photo, and the
// change's trail naming A and the file.
// Screenshots go to tests/e2e/artifacts/6x-*.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, cliJson, driving, makePng, tid } from './drive.js';
import { demoDatabase, startApp } from './harness.js';

const FINDING = '灭火器过期未更换，消防通道堆放杂物';
const DEVICE_A = '第一组笔记本';
const BUNDLE = '同步-第一组笔记本-20241120-153000.qingdan';

function beijingDate() {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

describe('同步: a sync file of another laptop imported in the app', { timeout: 300_000 }, () => {
  let app;
  let browser;
  let h;
  let dirA;
  let deviceA;
  let inspectionId;
  let code;
  let photoSha;
  let dbA;
  let facilityId;

  before(async () => {
    // Laptop A, as another inspector's computer would have it.
    dirA = mkdtempSync(join(tmpdir(), 'qingdan-laptop-a-'));
    dbA = demoDatabase(dirA);
    cli(dbA, 'device', 'name', DEVICE_A);
    deviceA = cliJson(dbA, 'device', 'show');
    const facility = cliJson(dbA, 'facility', 'list', '--kind', '居家养老服务点')[0];
    facilityId = facility.id;
    const started = cliJson(
      dbA, 'inspection', 'start', '--target', facility.id, '--kind', '执法检查', '--date', beijingDate(),
      '--group', '第一组', '--leader', '王志强',
    );
    inspectionId = started.id;
    const items = cliJson(dbA, 'inspection', 'show', inspectionId).items;
    code = items[0].code;
    const photo = join(dirA, '现场照片-灭火器.png');
    const png = makePng(120, 80);
    writeFileSync(photo, png);
    photoSha = createHash('sha256').update(png).digest('hex');
    cli(dbA, 'inspection', 'record', inspectionId, code, '不符合', '--finding', FINDING, '--severity', '较重', '--scope', '个别', '--evidence', photo);
    for (const it of items.slice(1)) cli(dbA, 'inspection', 'record', inspectionId, it.code, '符合');
    cli(dbA, 'inspection', 'sign', inspectionId, '--inspector', '王志强', '--representative', '刘院长');

    app = await startApp({
      database: (dir) => {
        const db = demoDatabase(dir);
        // Handed over by USB stick: copied into B's export folder (where startApp points the app).
        const exportDir = join(dir, 'exports');
        mkdirSync(exportDir, { recursive: true });
        cli(dbA, 'bundle', 'export', '--out', join(exportDir, BUNDLE));
        return db;
      },
    });
    browser = app.browser;
    h = driving(app);
    await browser.$(tid('nav-sync')).waitForDisplayed({ timeout: 30_000 });
  });

  after(async () => {
    await app?.stop();
    if (dirA) rmSync(dirA, { recursive: true, force: true });
  });

  const row = `${tid('sync-file-row')}[data-name="${BUNDLE}"]`;

  test('the 同步 page shows this laptop and lists the file from laptop A', async () => {
    await h.click(tid('nav-sync'));
    const own = cliJson(app.dbPath, 'device', 'show');
    await h.waitFor("this laptop's fingerprint", async () => (await browser.$(tid('sync-device-fingerprint')).getText()) === own.fingerprint);
    assert.equal(await browser.$(tid('sync-device-id')).getText(), own.id);
    assert.equal((await browser.$(tid('sync-folder')).getText()).trim(), app.exportDir);
    await h.waitFor('the file of laptop A', async () => (await h.attr(row, 'data-state')) === 'untrusted');
    const text = await browser.$(row).getText();
    assert.ok(text.includes(DEVICE_A), `the row names the device: ${text}`);
    await h.shot('60-sync-listed');
  });

  test('importing asks to compare the fingerprint, then imports with progress and reports', async () => {
    await h.click(`${row} ${tid('sync-file-import')}`);
    const dialog = browser.$(tid('sync-trust-dialog'));
    await h.waitFor('the trust dialog', async () => (await browser.$(tid('sync-trust-fingerprint')).isDisplayed()));
    assert.equal(await browser.$(tid('sync-trust-fingerprint')).getText(), deviceA.fingerprint, 'the fingerprint `device show` prints on A');
    assert.equal(await browser.$(tid('sync-trust-device')).getText(), DEVICE_A);
    assert.ok((await dialog.getText()).includes('核对指纹'));
    await h.shot('61-sync-trust');
    assert.deepEqual(cliJson(app.dbPath, 'device', 'peers'), [], 'nothing is trusted before the person confirms');

    // Every state the progress bar passes through, however fast the import is.
    await browser.execute((sel) => {
      window.__syncStages = [];
      new MutationObserver(() => {
        const p = document.querySelector(sel);
        const stage = p?.getAttribute('data-stage');
        if (stage && window.__syncStages.at(-1) !== stage) window.__syncStages.push(stage);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    }, tid('sync-progress'));
    await h.click(tid('sync-trust-confirm'));
    const report = browser.$(tid('sync-report'));
    await h.waitFor('the import report', async () => report.isExisting());
    const stages = await browser.execute(() => window.__syncStages);
    assert.ok(stages.length > 0, 'the progress bar was shown');
    assert.ok(Number(await report.getAttribute('data-new')) > 0, 'new records');
    const inspectionRow = browser.$(`${tid('sync-report-row')}[data-table="inspection"]`);
    assert.equal(await inspectionRow.getAttribute('data-new'), '1', 'one new inspection');
    assert.ok((await inspectionRow.getText()).startsWith('检查'), await inspectionRow.getText());
    assert.ok((await browser.$(tid('sync-report-summary')).getText()).includes(DEVICE_A));
    await h.waitFor('the file marked imported', async () => (await h.attr(row, 'data-state')) === 'imported');
    await h.waitFor('laptop A among the trusted devices', async () =>
      (await h.attr(tid('sync-peer-row'), 'data-id')) === deviceA.id,
    );
    await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), tid('sync-import-panel'));
    await h.shot('62-sync-report');
    const peers = cliJson(app.dbPath, 'device', 'peers');
    assert.deepEqual(peers.map((p) => p.fingerprint), [deviceA.fingerprint]);
  });

  test("A's inspection is in the app with the 不符合 finding, its photo and its trail", async () => {
    await h.click(tid('nav-inspections'));
    await h.click(`${tid('signed-row')}[data-id="${inspectionId}"]`);
    await browser.$(tid('item-panel')).waitForDisplayed({ timeout: 15_000 });
    await h.ensureFocusMode();
    await h.click(`${tid('checklist-item')}[data-code="${code}"]`);
    await h.expectAt(code);
    await h.expectVerdict(code, 'noncompliant');
    await h.waitFor('the finding', async () => (await h.value('finding-input')) === FINDING);
    const thumb = `${tid('evidence-thumb')}[data-sha="${photoSha}"]`;
    await h.waitFor('the photo thumbnail', async () =>
      browser.execute((sel) => {
        const img = document.querySelector(sel);
        return !!img && img.complete && img.naturalWidth > 0;
      }, thumb),
    );
    await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'end' }), thumb);
    await h.shot('63-sync-imported-inspection');

    await h.click(tid('audit-open'));
    await h.waitFor('the trail of the item', async () => (await h.count(`${tid('audit-row')}[data-field="verdict"]`)) > 0);
    const verdictRow = browser.$(`${tid('audit-row')}[data-field="verdict"]`);
    assert.equal(await verdictRow.getAttribute('data-bundle'), BUNDLE, 'the change came with the sync file');
    const text = await verdictRow.getText();
    assert.ok(text.includes(DEVICE_A) && text.includes('不符合'), text);
    await h.shot('64-sync-audit-trail');
    await h.click(tid('audit-export'));
    let path = null;
    await h.waitFor('the CSV saved', async () => {
      path = await h.attr(tid('saved-file'), 'data-path');
      return !!path && path.endsWith('.csv');
    });
    assert.ok(path.startsWith(app.exportDir), path);
  });

  test('a finding both laptops changed is a conflict until one value is kept', async () => {
    const draft = cliJson(
      dbA, 'inspection', 'start', '--target', facilityId, '--kind', '专项督查', '--date', beijingDate(), '--group', '第一组',
    );
    const c = cliJson(dbA, 'inspection', 'show', draft.id).items[0].code;
    const record = (db, finding) => cli(db, 'inspection', 'record', draft.id, c, '不符合', '--finding', finding);
    const handOver = async (name) => {
      cli(dbA, 'bundle', 'export', '--out', join(app.exportDir, name), '--inspection', draft.id);
      await h.click(tid('sync-refresh'));
      const r = `${tid('sync-file-row')}[data-name="${name}"]`;
      await h.waitFor(`${name} listed`, async () => (await h.attr(r, 'data-state')) === 'new');
      await h.click(`${r} ${tid('sync-file-import')}`);
      await h.waitFor(`${name} imported`, async () => (await h.attr(r, 'data-state')) === 'imported');
    };
    record(dbA, '消防通道堵塞');
    // The trail of the previous step is still open.
    await h.press('Escape');
    await h.waitFor('the trail closed', async () => !(await browser.$('.el-drawer').isDisplayed()));
    await h.click(tid('nav-sync'));
    await handOver('同步-第一组笔记本-2.qingdan');
    // Meanwhile each laptop changes the finding its own way.
    record(dbA, '消防通道堵塞，灭火器过期');
    record(app.dbPath, '消防通道堵塞，已当场清理');
    await handOver('同步-第一组笔记本-3.qingdan');
    assert.equal(await h.attr(tid('sync-report'), 'data-conflicts'), '1');
    const conflict = `${tid('sync-conflict')}[data-field="finding"]`;
    await h.waitFor('the conflict listed', async () => (await h.count(`${conflict} ${tid('sync-conflict-value')}`)) === 2);
    await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), conflict);
    await h.shot('65-sync-conflict');
    let keepA;
    for (const v of await browser.$$(`${conflict} ${tid('sync-conflict-value')}`)) {
      const text = await v.getText();
      if (text.includes(DEVICE_A)) {
        assert.ok(text.includes('灭火器过期'), text);
        keepA = await v.$(tid('sync-conflict-keep'));
      }
    }
    assert.ok(keepA, "A's value is offered");
    await h.click(keepA);
    await h.waitFor('the conflict settled', async () => (await h.count(tid('sync-conflict'))) === 0);
    const item = cliJson(app.dbPath, 'inspection', 'show', draft.id).items.find((i) => i.code === c);
    assert.equal(item.finding, '消防通道堵塞，灭火器过期');
    assert.deepEqual(cliJson(app.dbPath, 'conflicts', 'list'), []);
  });
});
