// The seven lists (issue 4) end to end: a 不符合 finding of a signed
// inspection is on the problem list and the dashboard; the supervisor plans
// its rectification and records it done in the app; a 回头看 inspection of
// the facility, walked by keyboard and signed, closes it out; the problem
// shows 已销号 with its verification and the dashboard's figures move.
// Screenshots go to tests/e2e/artifacts/4x-*.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Key } from 'webdriverio';

import { cli, cliJson, driving, submitStart, tid } from './drive.js';
import { demoDatabase, startApp } from './harness.js';

/** Today in Beijing (the calendar every deadline is written in), YYYY-MM-DD. */
function beijingDate(offsetDays = 0) {
  const t = new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000);
  return t.toISOString().slice(0, 10);
}

const FINDING = '灭火器过期，消防通道堆放杂物';

describe('问题清单: a finding taken to close-out through a 回头看', { timeout: 300_000 }, () => {
  let app;
  let browser;
  let h;
  let facility;
  let code;
  let problemId;

  before(async () => {
    app = await startApp({
      database: (dir) => {
        const db = demoDatabase(dir);
        // An inspection signed through the CLI, as another inspector's laptop would have done it.
        facility = cliJson(db, 'facility', 'list', '--kind', '居家养老服务点')[0];
        const started = cliJson(
          db, 'inspection', 'start', '--target', facility.id, '--kind', '执法检查', '--date', beijingDate(),
          '--group', '第一组', '--leader', '王志强',
        );
        const items = cliJson(db, 'inspection', 'show', started.id).items;
        code = items[0].code;
        cli(db, 'inspection', 'record', started.id, code, '不符合', '--finding', FINDING, '--severity', '较重', '--scope', '个别');
        for (const it of items.slice(1)) cli(db, 'inspection', 'record', started.id, it.code, '符合');
        cli(db, 'inspection', 'sign', started.id, '--inspector', '王志强', '--representative', '刘院长');
        return db;
      },
    });
    browser = app.browser;
    h = driving(app);
    await browser.$(tid('nav-dashboard')).waitForDisplayed({ timeout: 30_000 });
  });

  after(async () => {
    await app?.stop();
  });

  /** Clicks a save button and answers the path of the file the window says it wrote, in the export folder. */
  async function savedFile(button) {
    const before = await h.attr(tid('saved-file'), 'data-path');
    await h.click(tid(button));
    let path = null;
    await h.waitFor(`the file saved by ${button}`, async () => {
      path = await h.attr(tid('saved-file'), 'data-path');
      return !!path && path !== before;
    });
    assert.equal(dirname(path), app.exportDir, 'saved in the export folder');
    return path;
  }

  const figure = async (testid) => (await browser.$(tid(testid)).getText()).replace(/\s+/g, '');

  test('the dashboard counts the problem the sign-off raised', async () => {
    const listed = cliJson(app.dbPath, 'problem', 'list');
    assert.equal(listed.length, 1, 'signing raised one problem');
    problemId = listed[0].id;
    await h.click(tid('nav-dashboard'));
    await h.waitFor('问题总数 1', async () => (await figure('stat-problems')).includes('1'));
    assert.ok((await figure('stat-closed')).includes('0'), await figure('stat-closed'));
    await browser.$(tid('chart-county')).waitForDisplayed();
    await h.shot('40-dashboard-before');
  });

  test('the problem is planned and reported done in the app', async () => {
    await h.click(tid('nav-problems'));
    await h.waitFor('one problem row', async () => (await h.count(tid('problem-row'))) === 1);
    const row = await browser.$(tid('problem-row')).getText();
    assert.ok(row.includes(facility.name) || row.includes(FINDING.slice(0, 6)), row);
    await h.shot('41-problem-list');
    await h.click(tid('problem-row'));
    await h.waitFor('the problem detail', async () => (await h.attr(tid('problem-status'), 'data-status')) === 'pending');
    assert.ok((await browser.$(tid('problem-description')).getText()).includes(FINDING));
    assert.ok((await browser.$(tid('chain-item-code')).getText()).includes(code), 'the chain names the catalog item');

    await browser.$(tid('plan-measure')).setValue('更换全部过期灭火器，清理消防通道并建立每日巡查台账');
    // The responsible unit starts as the facility itself.
    assert.equal(await h.value('plan-unit'), facility.name);
    await browser.$(tid('plan-deadline')).setValue(beijingDate(5));
    await h.click(tid('plan-submit'));
    await h.waitFor('整改中', async () => (await h.attr(tid('problem-status'), 'data-status')) === 'in_progress');

    // The 整改通知书 to the facility, from the problem.
    await browser.$(tid('notice-number')).setValue('洛人大监〔2024〕12号');
    const notice = await savedFile('report-notice');
    assert.match(notice, /整改通知书-\d{8}-\d{6}\.pdf$/);
    const noticeText = execFileSync('pdftotext', [notice, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    assert.ok(noticeText.includes(`关于${facility.name}存在问题限期整改的通知`), noticeText.slice(0, 200));
    assert.ok(noticeText.includes('洛人大监〔2024〕12号') && noticeText.includes('问题清单'), 'the number and the attached list');
    await h.shot('41b-notice-saved');

    await browser.$(tid('report-done-note')).setValue('灭火器已全部更换，消防通道已清理');
    await h.click(tid('report-done-submit'));
    await h.waitFor('已整改待核验', async () => (await h.attr(tid('problem-status'), 'data-status')) === 'awaiting_verification');
    await h.shot('42-problem-awaiting-verification');
    const shown = cliJson(app.dbPath, 'problem', 'show', problemId);
    assert.equal(shown.status, 'awaiting_verification');
    assert.equal(shown.deadline, beijingDate(5));
    assert.deepEqual(shown.events.map((e) => e.kind), ['created', 'planned', 'reported_done']);
  });

  test('a 回头看 of the facility walks its open problem and, signed, closes it out', async () => {
    await h.click(tid('nav-inspections'));
    await h.click(tid('inspection-new'));
    await h.type('start-target-search', facility.name);
    await h.waitFor('the facility offered', async () => (await h.attr(tid('start-target-option'), 'data-id')) === facility.id);
    await h.press(Key.Enter);
    await browser.$(tid('start-target-selected')).waitForDisplayed();
    await h.click(`${tid('start-kind-option')}[data-kind="look_back"]`);
    await h.clickText(tid('start-group-suggestion'), '第一组');
    await browser.$(tid('start-leader')).setValue('王志强');
    await browser.$(tid('start-representatives')).setValue('刘院长');
    const lookBack = await submitStart(browser, h);
    await h.ensureFocusMode();
    assert.deepEqual(await h.codes(), [code], "the look-back's checklist is the facility's open problem");
    await h.expectAt(code);
    await h.press('1');
    await h.expectVerdict(code, 'compliant');
    await h.waitAllSaved([code]);
    await h.press('n');
    await browser.$(tid('completion-ready')).waitForDisplayed();
    await h.waitFor('the sign-off button focused', async () => (await h.active()) === 'signoff-open');
    await h.press(Key.Enter);
    await browser.$(tid('signoff-dialog')).waitForDisplayed();
    await h.waitFor('the inspectors filled in', async () => (await h.value('signoff-inspectors')) === '王志强');
    await h.click(tid('signoff-submit'));
    await h.waitFor('the look-back signed', async () => (await h.attr(tid('inspection-status'), 'data-status')) === 'signed');
    const report = await savedFile('report-inspection');
    assert.equal(readFileSync(report).subarray(0, 5).toString(), '%PDF-');
    const text = execFileSync('pdftotext', [report, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('回头看') && text.includes(facility.name), 'the report names the kind and the facility');

    const shown = cliJson(app.dbPath, 'problem', 'show', problemId);
    assert.equal(shown.status, 'closed', 'the signed look-back closed the problem out');
    const last = shown.events.at(-1);
    assert.deepEqual([last.kind, last.method, last.result, last.inspection_id], ['verified', 'look_back', 'pass', lookBack]);

    await h.click(tid('nav-problems'));
    await h.waitFor('the row', async () => (await h.count(tid('problem-row'))) === 1);
    await h.click(tid('problem-row'));
    await h.waitFor('已销号', async () => (await h.attr(tid('problem-status'), 'data-status')) === 'closed');
    assert.ok((await browser.$(tid('chain-verification')).getText()).includes('回头看'), 'the chain shows how it was verified');
    await h.shot('43-problem-closed');
  });

  test('the dashboard moves: one closed, rates at 100%', async () => {
    await h.click(tid('nav-dashboard'));
    await h.waitFor('已销号 1', async () => (await figure('stat-closed')).includes('1'));
    assert.ok((await figure('stat-rectified')).includes('1'), await figure('stat-rectified'));
    assert.ok((await figure('stat-rectification-rate')).includes('100'), await figure('stat-rectification-rate'));
    assert.ok((await figure('stat-overdue')).includes('0'), await figure('stat-overdue'));
    await h.shot('44-dashboard-after');
    const summary = await savedFile('report-summary');
    const text = execFileSync('pdftotext', [summary, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('监督工作总结'), 'the campaign summary was printed');
    assert.ok(text.replace(/\s+/g, '').includes('100.0%'), 'with the rates of the dashboard');
  });

  test('the three lists export to Excel from the problem list', async () => {
    await h.click(tid('nav-problems'));
    await h.waitFor('the row', async () => (await h.count(tid('problem-row'))) === 1);
    const xlsx = await savedFile('export-xlsx');
    assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), 'PK', 'an XLSX (zip) file');
    assert.match(xlsx, /问题清单-\d{8}-\d{6}\.xlsx$/);
    await browser.$(tid('export-list')).selectByAttribute('value', 'closeout');
    const csv = await savedFile('export-csv');
    const rows = readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(rows.length, 2, 'header and the one closed problem');
    assert.ok(rows[1].includes('回头看'), rows[1]);
    // The same list printed, as the view filters it.
    const pdf = await savedFile('report-list');
    assert.match(pdf, /销号清单-\d{8}-\d{6}\.pdf$/);
    const printed = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    assert.ok(printed.includes('销号清单') && printed.includes('共1个问题'), printed.slice(0, 200));
    await h.shot('45-export-saved');
  });

  test('every signed inspection report of the county in one run, with its progress', async () => {
    await h.click(tid('nav-inspections'));
    await browser.$(tid('batch-reports')).waitForDisplayed();
    await h.click(tid('batch-county'));
    let option;
    await h.waitFor(`the option ${facility.county}`, async () => {
      for (const o of await browser.$$(tid('batch-county-option'))) {
        if ((await o.isDisplayed()) && (await o.getText()).trim() === facility.county) {
          option = o;
          return true;
        }
      }
      return false;
    });
    await h.click(option);
    await h.click(tid('batch-start'));
    await h.waitFor('the batch written', async () => !!(await h.attr(tid('batch-saved'), 'data-folder')));
    const folder = await h.attr(tid('batch-saved'), 'data-folder');
    assert.equal(dirname(folder), app.exportDir, 'a new folder in the export folder');
    const files = readdirSync(folder).sort();
    assert.equal(files.length, 2, `the inspection and the look-back: ${files}`);
    assert.ok(files.every((f) => f.endsWith('.pdf') && f.includes(facility.name)), `${files}`);
    assert.equal(await h.attr(tid('batch-saved'), 'data-files'), '2');
    assert.equal(await h.attr(tid('batch-progress'), 'data-events'), '2', 'one report-progress event per file reached the window');
    await h.shot('46-batch-reports');
  });
});
