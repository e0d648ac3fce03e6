// 任务分配 end to end: the supervisor assigns 第三组 a county in the window
// and sees it listed under the group with its status; on the start form the
// group's tasks come first and a county task narrows the facilities to that
// county; a removal asks first and takes the row away. The database holds one
// assignment made by the CLI beforehand, as another laptop's bundle would.
// Screenshots go to tests/e2e/artifacts/9x-*.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { cli, cliJson, driving, tid } from './drive.js';
import { demoDatabase, startApp } from './harness.js';

const COUNTY = '汝阳县';

describe('任务分配: assign, list, use on the start form, remove', { timeout: 240_000 }, () => {
  let app;
  let browser;
  let h;
  let dbPath;
  let countyFacilities;
  let department;

  before(async () => {
    app = await startApp({
      database: (dir) => {
        const db = demoDatabase(dir);
        countyFacilities = cliJson(db, 'facility', 'list', '--county', COUNTY);
        department = cliJson(db, 'department', 'list')[0];
        cli(db, 'assignment', 'add', '--group', '第一组', '--department', department.id, '--date', '2024-06-01');
        return db;
      },
    });
    browser = app.browser;
    dbPath = app.dbPath;
    h = driving(app);
    await browser.$(tid('nav-assignments')).waitForDisplayed({ timeout: 30_000 });
  });

  after(async () => {
    await app?.stop();
  });

  const rows = () =>
    browser.execute(
      (sel) =>
        [...document.querySelectorAll(sel)].map((r) => ({
          id: r.getAttribute('data-id'),
          kind: r.getAttribute('data-kind'),
          group: r.closest('[data-group]')?.getAttribute('data-group'),
          target: r.querySelector('[data-testid="assignment-target"]')?.textContent?.trim(),
          status: r.querySelector('[data-testid="assignment-status"]')?.textContent?.trim(),
          text: r.textContent,
        })),
      tid('assignment-row'),
    );

  test('a county assigned in the dialog is listed under its group with its status', async () => {
    await h.click(tid('nav-assignments'));
    await h.waitFor('the CLI’s assignment listed', async () => (await rows()).length === 1);
    assert.equal((await rows())[0].target, department.name);

    await h.click(tid('assignment-new'));
    await browser.$(tid('assignment-dialog')).waitForDisplayed();
    await h.clickText(tid('assignment-group-suggestion'), '第三组');
    assert.equal(await h.value('assignment-group'), '第三组');
    await h.click(`${tid('assignment-kind')}[data-kind="county"]`);
    await browser.$(tid('assignment-county')).selectByVisibleText(COUNTY);
    await browser.$(tid('assignment-date')).setValue('2024-06-15');
    await browser.$(tid('assignment-note')).setValue('先查乡镇敬老院');
    await h.shot('90-assignment-dialog');
    await h.click(tid('assignment-submit'));

    await h.waitFor('the new assignment listed', async () => (await rows()).length === 2);
    const list = await rows();
    assert.deepEqual(list.map((r) => r.group), ['第一组', '第三组'], 'groups in their order');
    const county = list[1];
    assert.equal(county.kind, 'county');
    assert.equal(county.target, COUNTY);
    assert.equal(county.status, `已检查 0 / 共 ${countyFacilities.length}`);
    assert.ok(county.text.includes('2024年6月15日') && county.text.includes('先查乡镇敬老院'), county.text);
    const sections = await browser.execute(
      (sel) => [...document.querySelectorAll(sel)].map((s) => s.getAttribute('data-group')),
      tid('assignment-group-section'),
    );
    assert.deepEqual(sections, ['第一组', '第三组']);
    await h.shot('91-assignments');

    const stored = cliJson(dbPath, 'assignment', 'list', '--group', '第三组');
    assert.equal(stored.length, 1, 'the window wrote it to the database');
    assert.equal(stored[0].planned_date, '2024-06-15');
  });

  test('the start form shows the group’s tasks first, and a county task narrows the facilities', async () => {
    await h.click(tid('nav-inspections'));
    await h.click(tid('inspection-new'));
    await browser.$(tid('start-group')).waitForDisplayed();
    assert.equal(await browser.$(tid('start-group-tasks')).isExisting(), false, 'no group, no tasks');
    await h.clickText(tid('start-group-suggestion'), '第三组');
    await browser.$(tid('start-group-tasks')).waitForDisplayed();
    const tasks = await browser.$$(tid('start-group-task'));
    assert.equal(tasks.length, 1);
    assert.ok((await tasks[0].getText()).includes(`${COUNTY}的机构`), await tasks[0].getText());
    await h.click(tasks[0]);
    await browser.$(tid('start-county-filter')).waitForDisplayed();
    const ids = new Set(countyFacilities.map((f) => f.id));
    await h.waitFor(`only ${COUNTY}’s facilities offered`, async () => {
      const offered = await browser.execute(
        (sel) => [...document.querySelectorAll(sel)].map((o) => o.getAttribute('data-id')),
        tid('start-target-option'),
      );
      return offered.length === Math.min(ids.size, 60) && offered.every((id) => ids.has(id));
    });
    await h.shot('92-start-group-tasks');
  });

  test('a removal asks first, then takes the row away', async () => {
    await h.click(tid('nav-assignments'));
    await h.waitFor('both assignments listed', async () => (await rows()).length === 2);
    const county = (await rows()).find((r) => r.kind === 'county');
    await h.click(`${tid('assignment-row')}[data-id="${county.id}"] ${tid('assignment-remove')}`);
    await browser.$(tid('assignment-remove-dialog')).waitForDisplayed();
    await h.shot('93-assignment-remove');
    await h.click(tid('assignment-remove-confirm'));
    await h.waitFor('the removed row gone', async () => (await rows()).length === 1);
    assert.equal((await rows())[0].target, department.name);
    assert.equal(cliJson(dbPath, 'assignment', 'list').length, 1);
  });
});
