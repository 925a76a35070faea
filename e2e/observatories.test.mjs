// The peer visit journey in a browser, on demo data: a teacher asks for a visit, the referent
// runs the batch of binômes, swaps an observer and sets the date, the observer fills the grid
// (saved as it is typed) and writes the analysis with the teacher, both sides agree and it
// closes — and the IEN, the teacher's superior, pilot of the observatory, sees none of it.
// axe-core checks every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './server.mjs';
import { checkAccessibility, launch } from './browser.mjs';

let demo, browser, base, signIn, newPage;

before(async () => {
  demo = await startDemo();
  base = demo.base;
  ({ browser, signIn, newPage } = await launch(base, demo.password));
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

const email = (code) => `${code}@demo.territoire.fr`;
const focus = 'La résolution de problèmes en binôme au CM1';
const isoDay = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
// The day and the time of Paris at a moment: ['2026-12-08', '09:30'].
const paris = (ms) => new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
}).format(new Date(ms)).split(' ');

test('a visit from its request to its closed analysis, unseen by the superior', async () => {
  // The teacher asks for a visit of her class.
  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/observatoires');
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: "Observatoire de l'oral" }).click();
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: 'Demander une visite' }).click();
  await checkAccessibility(teacher);
  await teacher.getByLabel('Problématique').fill(focus);
  await teacher.getByLabel('Période 1 : du').fill(isoDay(10));
  await teacher.getByLabel('Période 1 : au').fill(isoDay(40));
  await teacher.getByRole('button', { name: 'Envoyer la demande' }).click();
  await teacher.waitForURL('**/demandes/*');
  assert.match(await teacher.textContent('main'), /En attente d'un binôme/);
  await checkAccessibility(teacher);

  // The referent proposes the binômes of the whole batch, then swaps an observer for the
  // one of the demo accounts and sets the date.
  const referent = await signIn(email('enseignant-2d'));
  await referent.goto(base + '/observatoires');
  await referent.getByRole('link', { name: "Observatoire de l'oral" }).click();
  await referent.getByRole('button', { name: 'Proposer les binômes' }).click();
  await assert.doesNotReject(referent.getByRole('status').filter({ hasText: 'binôme(s) proposé(s)' }).waitFor());
  await checkAccessibility(referent);
  await referent.getByRole('row').filter({ hasText: focus }).getByRole('link').click();
  await referent.waitForURL('**/visites/*');
  const visit = new URL(referent.url()).pathname;
  await referent.getByText('Pourquoi ce binôme').click();
  await checkAccessibility(referent);
  // Swap in the first demo account the page offers (only people who meet the hard rules are).
  const demoObservers = [
    ['Formateur ou formatrice (démo)', 'formateur'],
    ["Conseiller principal d'éducation (démo)", 'cpe'],
    ["Psychologue de l'Éducation nationale (démo)", 'psyen'],
  ];
  const offered = await referent.getByLabel('Remplaçant').locator('option').allTextContents();
  const [name, code] = demoObservers.find(([label]) => offered.some((o) => o.startsWith(label)));
  const option = referent.getByLabel('Remplaçant').locator('option').filter({ hasText: name });
  await referent.getByLabel('Remplaçant').selectOption(await option.getAttribute('value'));
  await referent.getByRole('button', { name: 'Remplacer' }).click();
  await referent.waitForURL('**' + visit);
  assert.ok((await referent.textContent('main')).includes(`${name} remplace un observateur`));
  await referent.getByLabel('Jour').fill(isoDay(14));
  await referent.getByLabel('Début').fill('09:30');
  await referent.getByLabel('Fin').fill('11:00');
  await referent.getByRole('button', { name: 'Fixer la date' }).click();
  await referent.waitForURL('**' + visit);
  assert.equal((await referent.locator('#visit-state').textContent()).trim(), 'Date fixée');
  await checkAccessibility(referent);

  // The new observer opens the link of his invitation, signed out, on a tablet held upright:
  // signing in brings him to the visit, whose grid stays closed until the day.
  const observer = await newPage({ viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true });
  await observer.goto(base + visit);
  await observer.waitForURL(/\/connexion\?suivant=%2Fvisites%2F\d+$/);
  await checkAccessibility(observer);
  await observer.getByLabel('Adresse électronique').fill(email(code));
  await observer.getByLabel('Mot de passe', { exact: true }).fill(demo.password);
  await observer.getByRole('button', { name: 'Se connecter' }).click();
  await observer.waitForURL(base + visit);
  assert.match(await observer.locator('#observation-fermee').textContent(), /L'observation s'ouvre le jour de la visite, le \d+ \S+ \d{4}/);
  assert.equal(await observer.getByRole('link', { name: "Ouvrir la grille d'observation" }).count(), 0);
  assert.equal(await observer.getByRole('button', { name: /La classe a été observée/ }).count(), 0);
  await checkAccessibility(observer);

  // The referent moves the visit to today, a few minutes from now (past midnight if it is that late).
  while (paris(Date.now())[0] !== paris(Date.now() + 5 * 60_000)[0]) await new Promise((r) => setTimeout(r, 10_000));
  const [day, start] = paris(Date.now() + 3 * 60_000);
  const end = paris(Date.now() + 63 * 60_000);
  await referent.getByLabel('Jour').fill(day);
  await referent.getByLabel('Début').fill(start);
  await referent.getByLabel('Fin').fill(end[0] === day ? end[1] : '23:59');
  await referent.getByRole('button', { name: 'Fixer la date' }).click();
  await referent.waitForURL('**' + visit);

  // The observer fills the grid: it saves as it is typed; the grid fits the screen and its
  // fields are big enough to touch.
  await observer.goto(base + '/visites');
  await checkAccessibility(observer);
  await observer.goto(base + visit);
  await observer.getByRole('link', { name: "Ouvrir la grille d'observation" }).click();
  await observer.waitForURL('**/observation');
  assert.ok(await observer.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  for (const field of ['Catégorie du nouvel élément', 'Nouvel élément', 'Notes libres']) {
    const box = await observer.getByLabel(field, { exact: true }).boundingBox();
    assert.ok(box.height >= 40, `${field}: ${box.height} px high`);
  }
  await observer.getByLabel('Catégorie du nouvel élément').selectOption('geste');
  await observer.getByLabel('Nouvel élément', { exact: true }).fill('Fait reformuler la consigne par un élève');
  await assert.doesNotReject(observer.getByRole('status').filter({ hasText: 'Enregistré à' }).waitFor());
  await observer.getByLabel('Nouvel élément', { exact: true }).fill('Les binômes comparent leurs stratégies');
  assert.equal(await observer.getByLabel('Élément 1', { exact: true }).inputValue(), 'Fait reformuler la consigne par un élève');
  await observer.getByLabel('Notes libres').fill('Séance de 45 minutes, 24 élèves.');
  await assert.doesNotReject(observer.getByRole('status').filter({ hasText: 'Enregistré à' }).waitFor());
  await checkAccessibility(observer);
  await observer.goto(base + visit);
  assert.match(await observer.textContent('main'), /Les binômes comparent leurs stratégies/);
  await observer.getByRole('button', { name: /La classe a été observée/ }).click();
  await observer.getByLabel("Texte de l'analyse").fill('Nous retenons la reformulation par les pairs.');
  await observer.getByRole('button', { name: "Enregistrer l'analyse" }).click();
  await observer.getByRole('button', { name: "J'approuve cette analyse" }).click();
  await checkAccessibility(observer);

  // The teacher reads the grid and the analysis, agrees: the analysis closes.
  await teacher.goto(base + visit);
  assert.match(await teacher.textContent('main'), /Fait reformuler la consigne par un élève/);
  await teacher.getByRole('button', { name: "J'approuve cette analyse" }).click();
  await teacher.waitForURL('**' + visit + '*');
  assert.equal((await teacher.locator('#visit-state').textContent()).trim(), 'Analyse close');
  await checkAccessibility(teacher);

  // The IEN, her superior and a pilot of the observatory, sees none of it.
  const ien = await signIn(email('ien'));
  const answer = await ien.goto(base + visit);
  assert.equal(answer.status(), 404);
  await ien.goto(base + '/visites');
  assert.doesNotMatch(await ien.textContent('main'), /résolution de problèmes/);
  await ien.goto(base + '/observatoires');
  await ien.getByRole('link', { name: "Observatoire de l'oral" }).click();
  assert.match(await ien.textContent('main'), /Chiffres de l'observatoire/);
  assert.doesNotMatch(await ien.textContent('main'), /résolution de problèmes/);
  await checkAccessibility(ien);
});
