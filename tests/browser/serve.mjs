// A member of staff at the page of `gongwen serve`, in Debian's chromium: makes a notice from
// the form, waits for its pages, sees a lint warning, has it fixed, saves, downloads the PDF.
// Usage: node serve.mjs URL DOWNLOAD_DIR. Prints one JSON line of what it saw.
// playwright-core comes from tools/ofd, where `make check` installs the browser tools.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../tools/ofd/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [url, downloads] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const seen = { steps: [] };
try {
  const page = await browser.newPage({ acceptDownloads: true });
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.click('#new');
  const form = page.locator('#form');
  await form.locator('[name=file]').fill('fangxun-tongzhi');
  await form.locator('[name=kind]').selectOption('通知');
  await form.locator('[name=organ]').fill('示例市人民政府');
  await form.locator('[name=code]').fill('示政发');
  await form.locator('[name=year]').fill('2024');
  await form.locator('[name=seq]').fill('12');
  // a fault the lint will find: a title ending in a full stop
  await form.locator('[name=title]').fill('示例市人民政府关于做好防汛工作的通知。');
  await form.locator('[name=addressee]').fill('各区人民政府，市政府各部门');
  await form.locator('[name=body]').fill(
    '为做好今年防汛工作，确保人民群众生命财产安全，现将有关事项通知如下。\n' +
    '一、提高认识\n各单位要充分认识防汛工作的重要性。\n二、落实责任\n各区要落实防汛责任制。');
  await form.locator('[name=date]').fill('2024-05-06');
  await form.locator('[name=cc]').fill('市委办公室，市人大常委会办公室。');
  await form.locator('[name=printer]').fill('示例市人民政府办公室');
  await form.locator('[name=printed]').fill('2024-05-06');
  await page.click('#make');
  const t0 = Date.now();
  await page.waitForSelector('#pages img');
  seen.first_preview_ms = Date.now() - t0;
  seen.pages = await page.locator('#pages img').count();
  await page.waitForSelector('#diagnostics li.warning');
  seen.warnings = await page.locator('#diagnostics li.warning').allTextContents();
  seen.steps.push('warned');
  await page.click('#fix');
  await page.waitForFunction(() => !document.querySelector('#diagnostics li.warning') &&
                                   document.querySelectorAll('#pages img').length > 0);
  seen.steps.push('fixed');
  // an edit refreshes the preview by itself
  const before = await page.locator('#pages img').first().getAttribute('src');
  const t1 = Date.now();
  await page.locator('#editor').evaluate((ed) => {
    ed.value = ed.value.replace('各区要落实防汛责任制。', '各区要落实防汛责任制，明确责任人。');
    ed.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction((src) => {
    const img = document.querySelector('#pages img');
    return img && img.src !== src;
  }, before);
  seen.refresh_ms = Date.now() - t1;
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('已保存'));
  seen.steps.push('saved');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pdf')]);
  seen.pdf = downloads + '/' + download.suggestedFilename();
  await download.saveAs(seen.pdf);
  seen.steps.push('downloaded');
  // the common fields of the open source, edited through the form
  await page.click('#fields');
  seen.form_title = await page.locator('#form [name=title]').inputValue();
  const shown = await page.locator('#pages img').first().getAttribute('src');
  await page.locator('#form [name=title]').fill('示例市人民政府关于切实做好\n防汛工作的通知');
  await page.locator('#form [name=signer]').fill('李某某');
  await page.waitForFunction((src) => {
    const img = document.querySelector('#pages img');
    return img && img.src !== src;
  }, shown);
  await page.click('#save');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('已保存'));
  seen.steps.push('edited');
  seen.errors = errors;
} catch (e) {
  seen.failure = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
