// Private means private: an administrator does not read a teacher's private practice; an
// exceptional access, opened from the administration with a written reason, lets them read it,
// and its author sees that reason on the practice's page. Each page passes axe-core.
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

test('an exceptional access is explicit, reasoned and shown to the author', async () => {
  const author = 'enseignant-1d@demo.territoire.fr';
  const created = await fetch(base + '/api/v1/practices', {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.token(author)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Carnet de bord privé',
      summary: 'Mes essais de la semaine, pour moi seule.',
      body_markdown: 'Une séance ratée, et ce que j’en retiens.',
      visibility: 'private',
    }),
  });
  assert.equal(created.status, 201);
  const practice = (await created.json()).id;

  // The administrator does not read it: the same answer as for a practice that does not exist.
  const admin = await signIn('admin@demo.territoire.fr');
  const refused = await admin.goto(`${base}/pratiques/${practice}`);
  assert.equal(refused.status(), 404);

  // From their home page, only by clicking: the administration, then the exceptional accesses.
  await admin.goto(base + '/compte');
  await admin.getByRole('link', { name: 'Administration' }).first().click();
  await admin.getByRole('link', { name: 'accès exceptionnels' }).click();
  await admin.waitForURL('**/admin/acces-exceptionnel');
  await checkAccessibility(admin);
  await admin.getByLabel('Nature').selectOption('pratique');
  await admin.getByRole('textbox', { name: /^Numéro/ }).fill(String(practice));
  // A reason too short is refused, with nothing typed lost.
  await admin.getByRole('textbox', { name: /^Motif/ }).evaluate((field) => field.removeAttribute('minlength'));
  await admin.getByRole('textbox', { name: /^Motif/ }).fill('Trop court');
  await admin.getByRole('button', { name: "Ouvrir l'accès exceptionnel" }).click();
  assert.match(await admin.textContent('main'), /20 caractères/);
  assert.equal(await admin.getByRole('textbox', { name: /^Numéro/ }).inputValue(), String(practice));
  const reason = 'Réquisition du parquet d’Arras n° 2026/1234 du 3 décembre';
  await admin.getByRole('textbox', { name: /^Motif/ }).fill(reason);
  await admin.getByRole('button', { name: "Ouvrir l'accès exceptionnel" }).click();
  // The practice opens, to be read.
  await admin.waitForURL(`**/pratiques/${practice}`);
  assert.match(await admin.textContent('main'), /Une séance ratée/);
  await checkAccessibility(admin);
  // The list of exceptional accesses keeps it.
  await admin.getByRole('link', { name: 'Administration' }).first().click();
  await admin.getByRole('link', { name: 'accès exceptionnels' }).click();
  const table = admin.getByRole('table', { name: 'Derniers accès exceptionnels' });
  assert.match(await table.textContent(), /Réquisition du parquet/);
  await table.getByRole('link', { name: `la pratique n° ${practice}` }).click();
  await admin.waitForURL(`**/pratiques/${practice}`);

  // The author sees who opened it, why and until when, on the practice's page.
  const owner = await signIn(author);
  await owner.goto(`${base}/pratiques/${practice}`);
  const notice = await owner.locator('#acces-exceptionnel').textContent();
  assert.match(notice, /Accès exceptionnel ouvert le .* administrateur, jusqu'au/);
  assert.ok(notice.includes(reason), notice);
  await checkAccessibility(owner);
});
