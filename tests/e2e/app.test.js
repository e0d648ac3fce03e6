// The desktop app end to end: the built binary, its bundled UI and a demo
// database made by the CLI, driven through tauri-driver as a user would.
// Steps share one app session and run in order; each leaves a screenshot in
// tests/e2e/artifacts/.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { numbersIn, ROOT, startApp } from './harness.js';

/** The command list the shell registers and grants (src-tauri/commands/names.rs). */
const COMMANDS = [...readFileSync(join(ROOT, 'src-tauri', 'commands', 'names.rs'), 'utf8').matchAll(/"([a-z_]+)",/g)].map(
  (m) => m[1],
);
const NOBODY = '0190f0f0-0000-7000-8000-000000000000';
/**
 * Commands that open a system dialog before anything else: a probe would wait
 * on the dialog. tests/e2e/dialogs.test.js drives them through the dialog.
 */
const OPENS_A_DIALOG = new Set(['sync_receive_files']);
/** Arguments that reach each command's body; ids that exist nowhere, so nothing changes. */
const PROBE_ARGS = {
  catalog_items: { query: {} },
  facility_list: { query: {} },
  facility_get: { id: NOBODY },
  inspection_start: { input: { target_id: NOBODY, kind: 'special', date: '2024-05-20', group: '第一组' } },
  inspection_show: { id: NOBODY },
  inspection_record: { id: NOBODY, code: 'S01', patch: {} },
  inspection_add_item: { id: NOBODY, code: 'S01' },
  inspection_attach: { id: NOBODY, code: 'S01', name: 'a.pdf', dataBase64: 'JVBERi0xLjQKJSVFT0YK' },
  inspection_detach: { id: NOBODY, code: 'S01', sha256: '0'.repeat(64) },
  evidence_thumbnail: { sha256: '0'.repeat(64) },
  inspection_suggest: { id: NOBODY, text: '建议' },
  inspection_completion: { id: NOBODY },
  inspection_sign: { id: NOBODY, inspectors: ['张三'], representative: '王五' },
  item_history: { targetId: NOBODY, code: 'S01' },
  inspection_changes: { id: NOBODY },
  user_name_set: { name: '测试员' },
  problem_list: { filter: {} },
  problem_counts: { filter: {} },
  problem_get: { id: NOBODY },
  // Refused input, so that the probe writes nothing.
  problem_create: { input: { description: '', source: 'forum', target_name: '全市', category: '政策落实' } },
  problem_plan: { id: NOBODY, plan: { measure: '整改', unit: '民政局', deadline: '2024-05-20' } },
  problem_progress: { id: NOBODY, note: '进展' },
  problem_report_done: { id: NOBODY, note: '完成' },
  problem_verify: { id: NOBODY, verification: { by: '王五', method: 'look_back', result: 'pass' } },
  problem_reopen: { id: NOBODY, reason: '反弹' },
  problem_renumber: { id: NOBODY },
  stats_totals: { filter: {} },
  stats_breakdown: { dimension: 'county', filter: {} },
  stats_closures: { filter: {} },
  stats_problems: { filter: {}, figure: 'problems' },
  suggestion_list: { filter: {} },
  // Refused input (empty text; 群众 scoring 整改工作), so that the probe writes nothing.
  opinion_create: { input: { text: '', source: 'forum' } },
  learning_mark: { person: '测试员', document: '《不存在的文件》', studied: true },
  evaluation_list: { filter: {} },
  // Writes into the test's own export folder.
  export_list: { list: 'problems', format: 'csv' },
  report_inspection: { id: NOBODY },
  open_saved_file: { path: '/etc/passwd' },
  save_file_as: { path: '/etc/passwd' },
  report_summary: { county: '不存在的县' },
  report_notice: { targetId: NOBODY, number: null, issuer: null },
  report_list: { list: 'closeout', filter: { statuses: ['pending'] } },
  report_county_inspections: { county: '不存在的县' },
  evaluation_create: {
    input: { subject_kind: 'department', subject: '民政局', aspect: 'rectification', evaluator: 'public', score: 90, comment: '' },
  },
  // Sync: refused or unknown input, so that the probes write and trust nothing.
  device_name_set: { name: '' },
  sync_export: { scope: { kind: 'peer', peer: NOBODY } },
  sync_peek: { name: '不存在.qingdan' },
  sync_import: { name: '../不存在.qingdan', onProgress: '__CHANNEL__:0' },
  conflict_resolve: { table: 'inspection', row: NOBODY, field: 'status', keep: `${NOBODY}:000000000001` },
  history_list: { table: 'inspection', rowId: NOBODY },
  history_export: { table: 'inspection', rowId: NOBODY },
  // 任务分配: refused input and an unknown id, so that the probes write nothing.
  assignment_list: { filter: {} },
  assignment_add: { input: { group: '', target_kind: 'county', target_id: NOBODY, note: '' } },
  assignment_remove: { id: NOBODY },
};
const ERROR_CODES = ['invalid_input', 'not_found', 'database_damaged', 'database', 'io', 'internal'];

const tid = (id) => `[data-testid="${id}"]`;

describe('养老服务监督清单 on the demo database', { timeout: 180_000 }, () => {
  let app;
  let browser;

  before(async () => {
    app = await startApp();
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
  });

  async function count(selector) {
    return (await browser.$$(selector)).length;
  }

  /** Clicks once nothing covers the element (a loading mask passes over lists while they reload). */
  async function click(selectorOrElement) {
    const el = typeof selectorOrElement === 'string' ? browser.$(selectorOrElement) : selectorOrElement;
    await el.waitForClickable({ timeout: 15_000 });
    await el.click();
  }

  /** Waits for `condition`; on timeout saves a screenshot and reports any error the UI shows. */
  async function waitFor(what, condition, timeout = 15_000) {
    try {
      await browser.waitUntil(condition, { timeout, interval: 200, timeoutMsg: `timed out waiting for ${what}` });
    } catch (e) {
      await app.screenshot(`failed-${what.replace(/[^\p{L}\p{N}]+/gu, '-')}`).catch(() => {});
      const shown = await browser
        .execute(() => [...document.querySelectorAll('[data-testid="error-banner"]')].map((b) => b.innerText))
        .catch(() => []);
      if (shown.length) e.message += `\nthe UI shows an error: ${shown[0]}`;
      throw e;
    }
  }

  test('the window opens with the title and the catalog', async () => {
    assert.equal(await browser.getTitle(), '养老服务监督清单');
    await browser.$(tid('nav-catalog')).waitForDisplayed({ timeout: 30_000 });
    await browser.pause(1_000);
    await app.screenshot('00-start');
    const errors = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="error-banner"]')].map((b) => b.innerText),
    );
    assert.deepEqual(errors, [], 'the start page shows no error');
    await click(tid('nav-catalog'));
    await browser.$(tid('catalog-count-standard')).waitForDisplayed({ timeout: 15_000 });
    await waitFor('catalog rows', async () => (await count(tid('catalog-item-row'))) > 0);
    // From here on, anything the Content-Security-Policy blocks is recorded; every
    // view rendered after this point is checked by the last test.
    await browser.execute(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample ?? ''}`.trim()),
      );
    });
    await app.screenshot('01-catalog');
  });

  test('the catalog counts 66 standards and 51 indicators and lists them by kind', async () => {
    const standards = await browser.$(tid('catalog-count-standard')).getText();
    const indicators = await browser.$(tid('catalog-count-indicator')).getText();
    assert.deepEqual(numbersIn(standards), [66], `catalog-count-standard reads "${standards}"`);
    assert.deepEqual(numbersIn(indicators), [51], `catalog-count-indicator reads "${indicators}"`);
    await waitFor('66 standard rows', async () => (await count(tid('catalog-item-row'))) === 66);

    await click(tid('catalog-tab-indicator'));
    await waitFor('51 indicator rows', async () => (await count(tid('catalog-item-row'))) === 51);
    await app.screenshot('02-catalog-indicators');
    await click(tid('catalog-tab-standard'));
    await waitFor('66 standard rows again', async () => (await count(tid('catalog-item-row'))) === 66);
  });

  test('searching 留样 finds the food-sample item and its 125 g rule', async () => {
    const search = browser.$(tid('catalog-search'));
    const input = (await search.getTagName()) === 'input' ? search : search.$('input');
    await input.setValue('留样');
    await waitFor('the search to narrow the list', async () => {
      const n = await count(tid('catalog-item-row'));
      return n > 0 && n < 66;
    });
    const codes = await browser.execute(
      (sel) =>
        [...document.querySelectorAll(sel)].filter((r) => r.innerText.includes('留样')).map((r) => r.dataset.code),
      tid('catalog-item-row'),
    );
    assert.ok(codes.length > 0, 'a row mentions 留样');
    await click(`${tid('catalog-item-row')}[data-code="${codes[0]}"]`);
    const requirement = browser.$(tid('catalog-detail-requirement'));
    await waitFor(`the detail of ${codes[0]} mentioning 125`, async () =>
      (await requirement.isExisting()) && (await requirement.getText()).includes('125'),
    );
    await app.screenshot('03-catalog-search');
  });

  test('the facility list filters by county', async () => {
    await click(tid('nav-facilities'));
    await waitFor('facility rows', async () => (await count(tid('facility-row'))) > 0);
    // One round trip for hundreds of rows; WebDriver calls per row are slow.
    const countiesShown = () =>
      browser.execute(
        (sel) => [...document.querySelectorAll(sel)].map((r) => r.getAttribute('data-county')),
        tid('facility-row'),
      );
    const total = numbersIn(await browser.$(tid('facility-count')).getText())[0];
    const counties = await countiesShown();
    assert.equal(counties.length, total, 'facility-count equals the rows shown');
    assert.ok(counties.every(Boolean), 'every facility-row carries data-county');
    const perCounty = new Map();
    for (const c of counties) perCounty.set(c, (perCounty.get(c) ?? 0) + 1);
    assert.ok(perCounty.size > 1, `the demo has facilities in several counties: ${[...perCounty.keys()]}`);
    const [county, expected] = [...perCounty.entries()].sort((a, b) => b[1] - a[1])[0];
    await app.screenshot('04-facilities');

    await click(tid('facility-county-filter'));
    let option;
    await waitFor(`the option ${county}`, async () => {
      for (const o of await browser.$$(tid('facility-county-option'))) {
        if ((await o.isDisplayed()) && (await o.getText()).trim() === county) {
          option = o;
          return true;
        }
      }
      return false;
    });
    await app.screenshot('05-facility-county-options');
    await click(option);
    await waitFor(`only the ${expected} facilities of ${county}`, async () => {
      const shown = await countiesShown();
      return shown.length === expected && shown.every((c) => c === county);
    });
    const filtered = numbersIn(await browser.$(tid('facility-count')).getText())[0];
    assert.equal(filtered, expected);
    assert.ok(filtered < total, `facility-count shrinks from ${total} to ${filtered}`);
    await app.screenshot('06-facilities-filtered');
  });

  test('the departments list shows the 24 departments', async () => {
    await click(tid('nav-departments'));
    await waitFor('24 department rows', async () => (await count(tid('department-row'))) === 24);
    await app.screenshot('07-departments');
  });

  test('every command of the contract is granted and answers with a value or an IpcError', async () => {
    assert.ok(COMMANDS.length >= 8, `commands read from names.rs: ${COMMANDS}`);
    const answers = await browser.executeAsync(
      (commands, args, done) => {
        const invoke = window.__TAURI_INTERNALS__.invoke;
        Promise.all(
          [...commands, 'no_such_command'].map((c) =>
            invoke(c, args[c] ?? {}).then(
              () => [c, 'ok'],
              (e) => [c, typeof e === 'object' && e !== null ? e.code : `rejected with a string: ${e}`],
            ),
          ),
        ).then(done);
      },
      COMMANDS.filter((c) => !OPENS_A_DIALOG.has(c)),
      PROBE_ARGS,
    );
    for (const [command, answer] of answers) {
      if (command === 'no_such_command') {
        assert.match(answer, /not allowed|not found/, 'an unknown command is refused by the shell');
      } else {
        assert.ok(answer === 'ok' || ERROR_CODES.includes(answer), `${command} answered ${answer}`);
      }
    }
  });

  test('back on the catalog, nothing was blocked by the Content-Security-Policy', async () => {
    await click(tid('nav-catalog'));
    await waitFor('the catalog again', async () => (await count(tid('catalog-item-row'))) > 0);
    const violations = await browser.execute(() => window.__cspViolations);
    assert.deepEqual(violations, [], 'no style, font, image or script was refused');
  });
});
