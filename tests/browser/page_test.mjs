// chatd's chat page in a real browser: Debian's chromium, headless, driven by
// puppeteer-core. Starts chatd itself on loopback (port 0), and checks that a
// browser user and an nc user talk both ways, that a <script> sent as a chat
// line stays text, that the page reconnects and restores nick and room after
// chatd restarts, and that nothing is logged to the console or refused by the
// page's CSP. Saves screenshots (light, dark, phone width) in OUT_DIR.
//
//   node page_test.mjs CHATD_BINARY OUT_DIR
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import puppeteer from 'puppeteer-core';

const [chatdBinary, outDir] = process.argv.slice(2);
if (!chatdBinary || !outDir) {
  console.error('usage: node page_test.mjs CHATD_BINARY OUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const STEP_MS = 10000;  // each wait
const WHOLE_MS = 120000;  // the whole test
const watchdog = setTimeout(() => fail(`the test took over ${WHOLE_MS / 1000} s`), WHOLE_MS);
const cleanups = [];

async function fail(why) {
  console.error(`FAIL: ${why}`);
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  process.exit(1);
}

function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`ok - ${what}`);
}

// Polls `test` until it is true, for at most `ms`.
async function until(test, what, ms = STEP_MS) {
  const end = Date.now() + ms;
  for (let i = 0; i < ms / 20 + 1; i += 1) {
    if (await test()) return;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A chatd with a web and a plain listener; resolves once both are logged.
function startChatd(webListen) {
  const child = spawn(chatdBinary, ['--listen', webListen, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const ports = {};
  const take = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line) log.push(line);
      const m = /listening on (web|plain):\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) ports[m[1]] = Number(m[2]);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  return until(() => ports.web && ports.plain, 'chatd to listen').then(() => ({ ports, log, stop }));
}

// An nc user: lines in, lines out.
function ncClient(port) {
  const socket = net.connect(port, '127.0.0.1');
  const lines = [];
  let partial = '';
  socket.on('data', (d) => {
    const parts = (partial + d.toString()).split('\r\n');
    partial = parts.pop();
    lines.push(...parts);
  });
  socket.on('error', () => {});
  cleanups.push(() => socket.destroy());
  return {
    lines,
    say: (text) => socket.write(`${text}\n`),
    heard: (text) => until(() => lines.includes(text), `the nc user to receive "${text}"`),
    close: () => socket.destroy(),
  };
}

const logText = (page) => page.$eval('#log', (el) => el.innerText);
const shows = (page, text) =>
  until(async () => (await logText(page)).includes(text), `the page to show "${text}"`);

async function main() {
  let chatd = await startChatd('web://127.0.0.1:0');
  const webPort = chatd.ports.web;
  const url = `http://127.0.0.1:${webPort}/`;

  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  // While chatd is down on purpose, Chromium itself logs each refused reconnect:
  // the browser reporting the server's absence, not the page misbehaving.
  let restarting = false;
  const whileDown = [];
  const refused = /WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (restarting && refused.test(m.text())) return whileDown.push(m.text());
    errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e}`));
  page.on('dialog', async (d) => {
    errors.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  page.on('requestfailed', (r) => {
    if (restarting && r.url().endsWith('/ws')) return whileDown.push(r.url());
    errors.push(`request failed: ${r.url()}`);
  });
  // Chromium asks for the icon in its own time.
  let iconLoaded = false;
  page.on('requestfinished', (r) => {
    if (r.url().endsWith('/icon.svg')) iconLoaded = true;
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });

  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await shows(page, 'welcome to chatd, you are');
  const firstLineMs = Date.now() - started;
  check(true, `the greeting is shown ${firstLineMs} ms after the page was asked for`);
  // The page, its script, stylesheet and icon as first loaded (later loads are 304s).
  await until(() => iconLoaded, 'the page icon to load');
  const weight = await page.evaluate(() =>
    performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
      .filter((e) => !e.name.endsWith('/ws'))
      .map((e) => `${new URL(e.name).pathname} ${e.decodedBodySize}`));
  check(await page.evaluate(() => document.activeElement.id === 'say'),
    'the message input has the keyboard focus');

  // Pick a nick in the header's field, by keyboard.
  await page.click('#nick-input', { clickCount: 3 });
  await page.keyboard.type('webuser');
  await page.keyboard.press('Enter');
  await until(async () => (await page.$eval('#nick', (e) => e.textContent)) === 'webuser',
    'the header to show the new nick');
  check(true, 'the nick picked in the page is taken');

  const nc = ncClient(chatd.ports.plain);
  await until(() => nc.lines.some((l) => l.startsWith('*** welcome to chatd')), 'the nc greeting');
  nc.say('/nick ncuser');
  await shows(page, 'is now known as ncuser');

  await page.focus('#say');
  await page.keyboard.type('hello from the page');
  await page.keyboard.press('Enter');
  await nc.heard('<webuser> hello from the page');
  check(true, 'a line typed in the page reaches the nc user');
  await shows(page, '<webuser> hello from the page');
  check(true, 'the page shows its own line');

  nc.say('hello from nc, see https://example.org/docs.');
  await shows(page, '<ncuser> hello from nc');
  check(true, 'a line from the nc user is shown');
  const link = await page.$eval('#log a', (a) => ({ href: a.href, rel: a.rel }));
  check(link.href === 'https://example.org/docs' && link.rel.includes('noopener'),
    'an https URL is a link, without the full stop after it');

  const hostile = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> javascript:alert(1)';
  nc.say(hostile);
  await shows(page, '<ncuser> <script>window.pwned=1</script>');
  const injected = await page.evaluate(() => ({
    scripts: document.querySelectorAll('#log script').length,
    images: document.querySelectorAll('#log img').length,
    links: [...document.querySelectorAll('#log a')].map((a) => a.href),
    pwned: window.pwned,
  }));
  check(injected.scripts === 0 && injected.images === 0 && injected.pwned === undefined,
    'a <script> and an <img onerror> sent as a chat line stay text');
  check(!injected.links.some((h) => h.startsWith('javascript:')), 'a javascript: URL is no link');

  nc.say('webuser: a line that mentions you');
  await shows(page, 'a line that mentions you');
  check(await page.$eval('#log .line:last-child', (e) => e.classList.contains('mention')),
    'a mention of the user is highlighted');

  await page.focus('#say');
  await page.keyboard.type('/join #dev');
  await page.keyboard.press('Enter');
  await until(async () => (await page.$eval('#room', (e) => e.textContent)) === '#dev',
    'the header to show #dev');
  check(true, '/join moves the page to #dev');

  await page.screenshot({ path: `${outDir}/page.png` });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await page.screenshot({ path: `${outDir}/page-dark.png` });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  // A phone's viewport reloads the page: it comes back as the same user in the same room.
  await page.setViewport({ width: 390, height: 760, isMobile: true });
  await until(async () => (await page.$eval('#room', (e) => e.textContent)) === '#dev' &&
    (await page.$eval('#nick', (e) => e.textContent)) === 'webuser',
  'the reloaded page to be webuser in #dev again');
  check(true, 'a reloaded page restores its nick and room');
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  check(fits, 'the page fits a phone-width screen without scrolling sideways');
  await page.screenshot({ path: `${outDir}/page-phone.png` });
  await page.setViewport({ width: 1000, height: 700 });

  // chatd restarts on the same port: the page comes back as webuser in #dev.
  nc.close();
  const welcomes = async () => (await logText(page)).split('welcome to chatd').length - 1;
  const welcomedBefore = await welcomes();
  restarting = true;
  await chatd.stop();
  await shows(page, '*** server shutting down');
  chatd = await startChatd(`web://127.0.0.1:${webPort}`);
  // The header still shows the old session until the new one's greeting and replies.
  await until(async () => (await welcomes()) > welcomedBefore, 'the greeting of the new chatd',
    20000);
  await until(async () => {
    const nick = await page.$eval('#nick', (e) => e.textContent);
    const room = await page.$eval('#room', (e) => e.textContent);
    return nick === 'webuser' && room === '#dev';
  }, 'the page to reconnect as webuser in #dev', 20000);
  check(true, 'after chatd restarts the page reconnects and restores its nick and room');
  restarting = false;
  if (whileDown.length) console.log(`# ${whileDown.length} reconnects refused while chatd was down`);
  const nc2 = ncClient(chatd.ports.plain);
  await until(() => nc2.lines.some((l) => l.startsWith('*** welcome to chatd')), 'the nc greeting');
  nc2.say('/join #dev');
  await until(() => nc2.lines.some((l) => / joined #dev$/.test(l)), 'the nc user to join #dev');
  await page.focus('#say');
  await page.keyboard.type('back again');
  await page.keyboard.press('Enter');
  await nc2.heard('<webuser> back again');
  check(true, 'the reconnected page talks in #dev again');
  await page.screenshot({ path: `${outDir}/page-after-restart.png` });

  writeFileSync(`${outDir}/figures.txt`,
    `time to first line: ${firstLineMs} ms\npage weight (bytes, decoded): ${weight.join(', ')}\n`);
  check(errors.length === 0, `no console errors, CSP violations or failed requests${
    errors.length ? `: ${errors.join('; ')}` : ''}`);
}

main()
  .then(async () => {
    clearTimeout(watchdog);
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    console.log('PASS');
    process.exit(0);
  })
  .catch((e) => fail(e.stack || String(e)));
