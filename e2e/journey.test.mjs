// Browser journeys: Playwright (playwright-core) drives Debian's Chromium against the real
// binary on demo data; axe-core checks every page for serious or critical violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const binary = process.env.TERRITOIRE_BIN ?? 'target/debug/territoire';
const data = mkdtempSync(join(tmpdir(), 'territoire-e2e-'));
let server, browser, base, password;

before(async () => {
  server = spawn(binary, ['--data', data, 'serve', '--demo', '--bind', '127.0.0.1:0'], {
    env: { ...process.env, TERRITOIRE_DATABASE_URL: '', TERRITOIRE_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout });
  for await (const line of lines) {
    const address = line.match(/prêt : (http:\/\/\S+)/);
    if (address) base = address[1];
    const secret = line.match(/mot de passe : (\S+)\)/);
    if (secret) { password = secret[1]; break; }
  }
  assert.ok(base && password, 'the server printed its address and the demo password');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
});

async function newPage() {
  const context = await browser.newContext({ locale: 'fr-FR' });
  return context.newPage();
}

async function checkAccessibility(page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `accessibility of ${page.url()}`,
  );
}

test('log in with a demo account', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await checkAccessibility(page);
  await page.getByRole('link', { name: 'Se connecter' }).click();
  await page.waitForURL('**/connexion');
  await checkAccessibility(page);

  await page.getByLabel('Adresse électronique').fill('enseignant-1d@demo.territoire.fr');
  await page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor());
  assert.equal(await page.getByLabel('Adresse électronique').inputValue(), 'enseignant-1d@demo.territoire.fr');
  await checkAccessibility(page);

  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/compte');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Mon compte' }).waitFor());
  assert.match(await page.textContent('main'), /Professeur des écoles/);
  await checkAccessibility(page);
  await page.close();
});

test('search the directory and open an establishment', async () => {
  const page = await newPage();
  await page.goto(base + '/annuaire');
  await checkAccessibility(page);
  await page.getByLabel('Nom, commune ou code UAI').fill('arras');
  await page.getByLabel('Type').selectOption('college');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.waitForURL(/q=arras/);
  const heading = await page.locator('#resultats').textContent();
  assert.match(heading, /établissements? trouvés?/);
  await checkAccessibility(page);

  const first = page.locator('.tt-results h3 a').first();
  const name = (await first.textContent()).trim();
  assert.match(name, /^Collège /);
  await first.click();
  await page.waitForURL('**/etablissements/*');
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), name);
  assert.match(await page.textContent('main'), /Arras/);
  await checkAccessibility(page);
  await page.close();
});

test('keyboard users reach the content first', async () => {
  const page = await newPage();
  await page.goto(base + '/territoires');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Contenu');
  await page.keyboard.press('Enter');
  assert.match(page.url(), /#contenu$/);
  await checkAccessibility(page);
  await page.getByRole('link', { name: /Pas-de-Calais/ }).click();
  await checkAccessibility(page);
  await page.close();
});
