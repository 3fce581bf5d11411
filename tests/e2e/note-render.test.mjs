// The readiness note renders in a real browser: `readygate review` (offline,
// built-in providers) writes readiness-note.html, which headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) opens from disk.
// The test fails on a console error, a page error, any request other than the
// file itself (the note must be self-contained), or a missing section, and it
// keeps a full-page screenshot: build/test-artifacts/readiness-note.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { readygateBin } from './lib/mock.mjs';

const CHROMIUM = '/usr/bin/chromium';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOT = path.join(REPO, 'build', 'test-artifacts', 'readiness-note.png');
const DATE = /\b\d{4}-\d{2}-\d{2}\b/;

let dir;
let context;
let page;
let review;
const consoleErrors = [];
const pageErrors = [];
const requests = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: READYGATE_SETUP_TEST=1 scripts/setup.sh installs it`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'readygate-note-'));
  const out = path.join(dir, 'note');
  review = spawnSync(readygateBin(), ['review', '--out', out, '--no-store', '--operator', 'RG'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(review.status, 0, `review exited ${review.status}:\n${review.stderr}\n${review.stdout}`);
  const html = path.join(out, 'readiness-note.html');
  assert.ok(existsSync(html), 'readiness-note.html was written');

  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  context.on('request', (req) => requests.push(req.url()));
  const url = pathToFileURL(html).href;
  const res = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  assert.ok(res === null || res.ok(), 'the note loaded');
  page.noteUrl = url;
});

after(async () => {
  await context?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the note loads with no console error, no page error and no request but the file', async () => {
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(requests, [page.noteUrl], 'the note is self-contained');
  assert.ok(readFileSync(SCREENSHOT).length > 10_000, 'a screenshot was kept');
});

test('the selected API surface is at the top, before every section', async () => {
  const surface = page.locator('p.surface');
  assert.match(await surface.innerText(), /^API surface: Chat Completions \(chat_completions\)/);
  const surfaceTop = (await surface.boundingBox()).y;
  const firstSection = (await page.locator('h2').first().boundingBox()).y;
  assert.ok(surfaceTop < firstSection, `surface at y=${surfaceTop}, first section at y=${firstSection}`);
});

test('every section is there, in order', async () => {
  const headings = await page.locator('h2').allInnerTexts();
  const expected = [
    'Documentation checked',
    'Latest record of each step',
    'Three questions',
    'Verdict: ready',
    'How the checks were done',
    'Not asserted',
    'Sign-off',
  ];
  assert.deepEqual(headings, expected);
});

test('documentation links carry their access dates', async () => {
  const rows = page.locator('h2:has-text("Documentation checked") + table tr');
  const n = await rows.count();
  assert.ok(n >= 2, 'a header and at least one link');
  for (let i = 1; i < n; i++) {
    const cells = await rows.nth(i).locator('td').allInnerTexts();
    assert.match(cells[1], /^https:\/\//, `row ${i} has a link`);
    assert.match(cells[2], DATE, `row ${i} has an access date`);
  }
});

test('the latest record of each step: twelve rows, each passed, each with its record id', async () => {
  const rows = page.locator('h2:has-text("Latest record of each step") + table tr');
  assert.equal(await rows.count(), 13);
  for (let i = 1; i < 13; i++) {
    const cells = await rows.nth(i).locator('td').allInnerTexts();
    assert.equal(cells[0], String(i));
    assert.equal(cells[3], 'pass', `step ${i}: ${cells.join(' | ')}`);
    assert.equal(cells[9], `s${String(i).padStart(2, '0')}`, 'the record, by its id suffix');
  }
  assert.match(await page.locator('p.note').first().innerText(), /evidence\.jsonl whose request_id is review-/);
});

test('the three questions are answered, none with "No answer"', async () => {
  const questions = await page.locator('h2:has-text("Three questions") ~ h3').allInnerTexts();
  assert.deepEqual(questions.slice(0, 3), [
    'What request shape did the client send?',
    'What response shape did it handle?',
    'What happened in the controlled error check?',
  ]);
  for (const q of questions.slice(0, 3)) {
    const answers = await page.locator(`h3:has-text("${q}") + ul li`).allInnerTexts();
    assert.ok(answers.length > 0, `${q} has an answer`);
    for (const a of answers) assert.doesNotMatch(a, /No answer/, `${q}: ${a}`);
  }
});

test('the verdict is shown at the top and with its reasons', async () => {
  assert.equal(await page.locator('.verdict').innerText(), 'Verdict: ready');
  const reasons = await page.locator('h2:has-text("Verdict") + ul li').allInnerTexts();
  assert.ok(reasons.length > 0);
});

test('what was not asserted is listed', async () => {
  const text = (await page.locator('h2:has-text("Not asserted") + ul').innerText()).toLowerCase();
  for (const word of ['uptime', 'rate limit', 'price', 'model availability', 'latency']) {
    assert.ok(text.includes(word), `"${word}" in: ${text}`);
  }
});
