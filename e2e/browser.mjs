// Debian's Chromium driven by Playwright (playwright-core), and axe-core's check of a page.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

/// Starts Chromium; `newPage` opens a page in a fresh French context, `signIn` one signed in
/// as a demo account.
export async function launch(base, password) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  // `options`: those of a browser context (a tablet's viewport and touch, for instance).
  const newPage = async (options = {}) => {
    const context = await browser.newContext({ locale: 'fr-FR', ...options });
    // Every violation of the page's Content Security Policy is kept, for checkAccessibility.
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} : ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    return context.newPage();
  };
  const signIn = async (email, options = {}) => {
    const page = await newPage(options);
    await page.goto(base + '/connexion');
    await page.getByLabel('Adresse électronique').fill(email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    // Signing in leads home, to « Ce qui m'attend ».
    await page.waitForURL(base + '/');
    return page;
  };
  return { browser, newPage, signIn };
}

/// Fails on any serious or critical WCAG 2.1 A/AA violation of the page as it is now, and on
/// any violation of its Content Security Policy since it was loaded.
export async function checkAccessibility(page) {
  const csp = await page.evaluate(() => window.__cspViolations ?? []);
  assert.deepEqual(csp, [], `Content Security Policy of ${page.url()}`);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `accessibility of ${page.url()}`,
  );
}
