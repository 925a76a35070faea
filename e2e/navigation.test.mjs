// The navigation finds things: the menu holds on one line at 1280 px for the widest one (an
// administrator's), and an IA-IPR reaches the dashboards and the strategic project from the
// home page by clicking only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './server.mjs';
import { launch, checkAccessibility } from './browser.mjs';

let demo, browser, base, signIn;

before(async () => {
  demo = await startDemo();
  base = demo.base;
  ({ browser, signIn } = await launch(base, demo.password));
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('the menu holds on one line at 1280 px', async () => {
  const admin = await signIn('admin@demo.territoire.fr', { viewport: { width: 1280, height: 800 } });
  const tops = await admin.locator('#navigation-principale .fr-nav__list > .fr-nav__item')
    .evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().top)));
  assert.ok(tops.length >= 8, `${tops.length} entries`);
  assert.equal(new Set(tops).size, 1, `entries on several lines: ${tops}`);
});

test('an IA-IPR reaches the dashboards and the strategic project by clicking only', async () => {
  const page = await signIn('ia-ipr@demo.territoire.fr', { viewport: { width: 1280, height: 800 } });
  const menu = page.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('button', { name: 'Pilotage' }).click();
  await menu.getByRole('link', { name: 'Tableaux de bord' }).click();
  await page.waitForURL('**/tableaux-de-bord');
  assert.equal(await menu.getByRole('button', { name: 'Pilotage' }).getAttribute('aria-current'), 'true');
  await checkAccessibility(page);
  await page.getByRole('link', { name: /Académie de Clermont-Ferrand/ }).first().click();
  await page.waitForURL('**/tableaux-de-bord/**');
  await menu.getByRole('button', { name: 'Pilotage' }).click();
  await menu.getByRole('link', { name: 'Projet stratégique' }).click();
  await page.waitForURL('**/projet-strategique');
  await checkAccessibility(page);
  await page.getByRole('link', { name: /Clermont-Ferrand/ }).first().click();
  await page.waitForURL('**/projet-strategique/**');
  assert.match(await page.textContent('main'), /Clermont-Ferrand/);
});
