// The map of initiatives and the dashboards in a browser, on demo data: clusters drawn over
// the offline outlines, a layer added with its column in the table, the deployment replayed
// with the time slider (keyboard), the list behind a cluster, the choropleth and its legend;
// the académie's dashboard, a chart read as a table, the ODS export, the collaboration
// network and the strategic project; the dashboard opens on its summary (every indicator
// against its target, with its trend) and its month selector stops at the current month.
// axe-core checks every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './server.mjs';
import { checkAccessibility, launch } from './browser.mjs';

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

/// The total the table gives (« … : 1 234 en tout »).
const total = async (page) => {
  const words = await page.locator('#carte-tableau > p').first().textContent();
  const match = words.match(/:\s*([\d\s\u202f]+) en tout/);
  assert.ok(match, words);
  return Number(match[1].replace(/[\s\u202f]/g, ''));
};

/// Runs `action` and waits for the table the map's script swaps in after it (the table is
/// `aria-busy` meanwhile).
const refreshed = async (page, action) => {
  const table = page.waitForResponse((r) => r.url().includes('/carte/tableau'));
  await action();
  await table;
  await page.waitForSelector('#carte-tableau:not([aria-busy="true"])');
};

test('filter the map, replay the deployment month by month, open a cluster', async () => {
  const page = await signIn('enseignant-1d@demo.territoire.fr');
  await refreshed(page, () => page.goto(base + '/carte'));
  await page.locator('.tt-cluster').first().waitFor();
  assert.ok(await page.locator('.leaflet-overlay-pane path').count() > 90, 'the départements are drawn with no tile server');
  await checkAccessibility(page);
  const all = await total(page);
  assert.ok(all > 0, 'the demo has published practices');

  // Add the territories and networks layer: the table gains its column, the total grows.
  await refreshed(page, () => page.locator('label[for="couche-reseaux"]').click());
  const table = page.getByRole('table', { name: /Regroupements de la carte/ });
  assert.ok(await table.getByRole('columnheader', { name: 'Territoires et réseaux' }).isVisible());
  const withNetworks = await total(page);
  assert.ok(withNetworks > all, `${withNetworks} > ${all}`);
  assert.match(page.url(), /layers=reseaux/, 'the address follows the filters');

  // The time slider, by keyboard: back to the first month, nearly nothing; forward, more.
  const slider = page.getByLabel(/Rejouer le déploiement/);
  await refreshed(page, async () => { await slider.focus(); await page.keyboard.press('Home'); });
  const first = await total(page);
  assert.match(await page.locator('#temps-mois').textContent(), /^jusqu'à \p{L}+ \d{4}$/u);
  assert.match(page.url(), /to=\d{4}-\d{2}/);
  for (let i = 0; i < 12; i += 1) await page.keyboard.press('ArrowRight');
  await refreshed(page, () => page.keyboard.press('ArrowRight'));
  const later = await total(page);
  assert.ok(first < withNetworks && first <= later, `${first} ≤ ${later} < ${withNetworks}`);
  await checkAccessibility(page);
  await refreshed(page, () => page.keyboard.press('End'));
  assert.equal(await total(page), withNetworks);

  // A cluster opens its list; the whole list is a page of its own.
  const places = page.waitForResponse((r) => r.url().includes('/api/v1/map/places'));
  await page.locator('.tt-cluster').first().click();
  await places;
  const popupLink = page.locator('.leaflet-popup').getByRole('link', { name: 'Toute la liste' });
  await popupLink.waitFor();
  await popupLink.click();
  await page.waitForURL('**/carte/lieux?**');
  assert.equal(await page.locator('h1').textContent(), 'Lieux de ce regroupement');
  assert.ok(await page.getByRole('table').getByRole('link').count() > 0, 'establishments link to their page');
  await checkAccessibility(page);
});

test('colour the départements by initiatives per 100 staff', async () => {
  const page = await signIn('ien@demo.territoire.fr');
  await refreshed(page, () => page.goto(base + '/carte'));
  const choropleth = page.waitForResponse((r) => r.url().includes('/api/v1/map/choropleth'));
  await page.getByLabel(/^Colorier les zones/).selectOption('departement');
  await choropleth;
  await page.locator('#carte-legende').waitFor({ state: 'visible' });
  assert.match(await page.locator('#carte-legende').textContent(), /Initiatives pour 100 personnels/);
  assert.ok(await page.locator('.leaflet-overlay-pane path[fill="#000091"]').count() > 0, 'the highest class is drawn');
  const rates = page.getByRole('table', { name: /Zones, du taux le plus élevé/ });
  await rates.waitFor();
  assert.match(await rates.textContent(), /Pas-de-Calais/);
  await checkAccessibility(page);
});

test('open the académie dashboard on its summary, read a chart as a table, export ODS, see the network', async () => {
  const page = await signIn('ia-ipr@demo.territoire.fr');
  await page.goto(base + '/tableaux-de-bord');
  await checkAccessibility(page);
  await page.getByRole('link', { name: /Académie de Clermont-Ferrand/ }).click();
  await page.waitForURL('**/tableaux-de-bord/academie/06');
  assert.equal(await page.locator('h1').textContent(), 'Tableau de bord — Académie de Clermont-Ferrand');
  const charts = await page.locator('svg.tt-chart').count();
  assert.ok(charts >= 10, 'a chart an indicator');
  await checkAccessibility(page);

  // The summary first: the page's first section, one row an indicator, before any chart;
  // each row says in words its latest value, its target, whether it is met, its trend.
  assert.equal(await page.locator('main h2').first().textContent(), 'Synthèse des indicateurs');
  const summary = page.getByRole('table', { name: /^Chaque indicateur jusqu.à [a-zéû]+ \d{4} : dernière valeur, cible/ });
  assert.equal(await summary.locator('tbody tr').count(), charts);
  assert.ok(
    await summary.evaluate((table) => Boolean(table.compareDocumentPosition(document.querySelector('svg.tt-chart')) & Node.DOCUMENT_POSITION_FOLLOWING)),
    'the summary comes before the charts',
  );
  const devoirsRow = summary.getByRole('row', { name: /Collégiens inscrits à Devoirs faits/ });
  const cells = await devoirsRow.getByRole('cell').allTextContents();
  assert.match(cells[0], /^38 % des collégiens\s*juin \d{4}$/);
  assert.match(cells[1], /^45 % des collégiens en juin \d{4}$/);
  assert.equal(cells[2].trim(), 'pas encore atteinte');
  assert.match(cells[3], /en hausse\s*par rapport à 34,5 % des collégiens en juin \d{4}/);
  assert.ok(
    (await summary.locator('td[data-atteinte="no-target"]').count()) > 0
      && (await summary.getByText('pas de cible').count()) > 0,
    'the computed indicators have no target, and say so',
  );
  // The month selector stops at the current month (the server's, in UTC).
  const current = new Date().toISOString().slice(0, 7);
  assert.equal(await page.locator('#mois').getAttribute('max'), current);
  assert.equal(await page.locator('#mois').inputValue(), current);
  // From the summary to the indicator's chart and its table.
  await devoirsRow.getByRole('link', { name: 'Collégiens inscrits à Devoirs faits' }).click();
  assert.match(page.url(), /#indicateur-\d+$/);
  const devoirs = page.locator('section', { has: page.getByRole('heading', { name: 'Collégiens inscrits à Devoirs faits' }) });
  assert.match(await devoirs.textContent(), /Cible : 45 % des collégiens en juin/);
  await devoirs.getByText('Les valeurs en tableau').click();
  const table = devoirs.getByRole('table');
  assert.match(await table.textContent(), /38/);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Exporter en ODS' }).click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^indicateurs-academie-06-\d{4}-\d{2}\.ods$/);
  const bytes = await (await import('node:fs/promises')).readFile(await file.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  assert.equal(bytes.subarray(30, 38).toString(), 'mimetype');
  assert.equal(bytes.subarray(38, 84).toString(), 'application/vnd.oasis.opendocument.spreadsheet');

  await page.getByRole('link', { name: 'Réseau de collaborations' }).click();
  await page.waitForURL('**/reseau');
  assert.match(await page.locator('main').textContent(), /sans aucune collaboration/);
  await checkAccessibility(page);

  await page.goto(base + '/projet-strategique/06');
  assert.match(await page.locator('main').textContent(), /Objectif 3\.1/);
  await checkAccessibility(page);
});
