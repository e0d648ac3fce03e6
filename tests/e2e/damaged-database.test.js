// A database file that is not a database: the window must still open and say
// so, naming the file and what to do, and must leave the file as it was.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startApp } from './harness.js';

const GARBAGE = Buffer.from('PK\u0003\u0004 a spreadsheet someone renamed to qingdan.db '.repeat(200));

describe('养老服务监督清单 on a damaged database', { timeout: 120_000 }, () => {
  let app;

  before(async () => {
    app = await startApp({
      database: (dir) => {
        const path = join(dir, 'qingdan.db');
        writeFileSync(path, GARBAGE);
        return path;
      },
    });
  });

  after(async () => {
    await app?.stop();
  });

  test('the window opens and explains the damaged file instead of vanishing', async () => {
    const { browser } = app;
    const banner = browser.$('[data-testid="error-banner"][data-code="database_damaged"]');
    await banner.waitForDisplayed({ timeout: 30_000 });
    const message = await browser.$('[data-testid="error-message"]').getText();
    assert.ok(message.includes(app.dbPath), `the message names the file: ${message}`);
    assert.ok(message.includes('备份'), `the message says to restore a backup: ${message}`);
    await app.screenshot('10-damaged-database');
    assert.ok(readFileSync(app.dbPath).equals(GARBAGE), 'the damaged file is left untouched');
  });
});
