// Training in a browser, on demo data: the demo teacher expresses a need that makes a theme
// reach five people; the training office sees it in the demand, not yet covered, and turns it
// into a module; the teacher, told, registers to it. Then she follows the path suggested to
// her to its end and gets her attestation. axe-core checks every page on the way.
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

const email = (code) => `${code}@demo.territoire.fr`;

test('a need expressed, seen in the demand, answered by a module the teacher registers to', async () => {
  // The training office sees the themes asked by fewer than five, without counts, and could
  // make a module of each.
  const office = await signIn(email('charge-de-mission'));
  await office.goto(base + '/formation/demande');
  const others = office.getByRole('region', { name: /Autres thèmes, demandés par moins de cinq/ });
  assert.match(await others.textContent(), /Conduire un débat réglé/);
  assert.doesNotMatch(await others.textContent(), /\d/, 'no count');
  assert.equal(await others.getByRole('link', { name: 'Créer un module pour « Conduire un débat réglé »' }).count(), 1);
  await checkAccessibility(office);

  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/formation');
  await checkAccessibility(teacher);
  await teacher.getByLabel(/^Thème/).fill('Conduire un débat réglé');
  await teacher.getByLabel('Public').selectOption('premier-degre');
  await teacher.getByLabel(/^Niveau/).fill('CM1');
  await teacher.getByLabel('Territoire').selectOption({ label: 'OTA62 — Observatoire du territoire apprenant du Pas-de-Calais' });
  await teacher.getByRole('button', { name: 'Exprimer ce besoin' }).click();
  assert.match(await teacher.textContent('main'), /Votre besoin est enregistré/);
  const mine = teacher.getByRole('table', { name: 'Les besoins que vous avez exprimés' });
  assert.match(await mine.textContent(), /Conduire un débat réglé/);
  await checkAccessibility(teacher);

  // A colleague finds it among the needs already expressed and joins it.
  const colleague = await signIn(email('directeur-ecole'));
  await colleague.goto(base + '/formation');
  await colleague.getByRole('button', { name: 'Moi aussi : « Conduire un débat réglé »' }).click();
  assert.match(await colleague.textContent('main'), /Votre besoin est enregistré/);
  assert.equal(await colleague.getByRole('button', { name: 'Moi aussi : « Conduire un débat réglé »' }).count(), 0);
  await checkAccessibility(colleague);

  // The training office: the theme now shows on its own (six people), with no module yet.
  await office.goto(base + '/formation');
  await office.getByRole('link', { name: 'Demande et offre de formation' }).click();
  await checkAccessibility(office);
  const demand = office.getByRole('table', { name: /Demande par thème/ });
  const row = demand.getByRole('row', { name: /Conduire un débat réglé/ });
  assert.match(await row.textContent(), /6\s*Non couvert/);
  assert.doesNotMatch(await demand.textContent(), /démo/, 'no name in the demand');
  await row.getByRole('link', { name: /Créer un module/ }).click();
  await checkAccessibility(office);
  assert.equal(await office.getByLabel(/^Thèmes de la demande/).inputValue(), 'Conduire un débat réglé');
  await office.getByLabel('Titre', { exact: true }).fill('Le débat réglé au cycle 3');
  await office.getByLabel(/^Objectifs/).fill('Préparer, animer et évaluer un débat réglé.');
  await office.getByLabel('Nombre de places').fill('12');
  await office.getByLabel(/^Dont places réservées/).fill('2');
  await office.getByLabel(/^Formateurs/).fill(email('formateur'));
  const day = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  await office.getByLabel('Date de la session 1').fill(day);
  await office.locator('#s1-start').fill('09:00');
  await office.locator('#s1-end').fill('12:00');
  await office.locator('#s1-place').fill("Atelier Canopé d'Arras");
  await office.getByRole('button', { name: 'Créer le module' }).click();
  await office.waitForURL(/\/formation\/modules\/\d+$/);
  const moduleUrl = office.url();
  assert.match(await office.textContent('main'), /Répond aux besoins\s*Conduire un débat réglé/);
  await checkAccessibility(office);
  // Back in the demand, the theme is covered.
  await office.goto(base + '/formation/demande');
  const covered = office.getByRole('table', { name: /Demande par thème/ }).getByRole('row', { name: /Conduire un débat réglé/ });
  assert.match(await covered.textContent(), /Le débat réglé au cycle 3/);

  // The teacher was told; she registers.
  await teacher.goto(base + '/notifications');
  await teacher.getByRole('link', { name: /Un module de formation répond à un besoin/ }).first().click();
  assert.equal(teacher.url(), moduleUrl);
  await teacher.getByRole('button', { name: "S'inscrire", exact: true }).click();
  assert.match(await teacher.textContent('main'), /Vous êtes inscrit·e au module/);
  await checkAccessibility(teacher);
  await teacher.goto(base + '/formation');
  assert.match(await teacher.getByRole('region', { name: 'Mes modules' }).textContent(), /Le débat réglé au cycle 3/);

  // The trainer named on it sees her registration.
  const trainer = await signIn(email('formateur'));
  await trainer.goto(moduleUrl);
  const registrants = trainer.getByRole('table', { name: /Inscrits et liste d'attente/ });
  assert.match(await registrants.textContent(), /Professeur des écoles \(démo\)/);
  await checkAccessibility(trainer);
});

test('a path suggested to the teacher, followed step by step to its end', async () => {
  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/parcours');
  await checkAccessibility(teacher);
  await teacher.getByRole('region', { name: 'Suggérés pour vous' }).getByRole('link', { name: 'Le débat réglé en classe' }).click();
  await checkAccessibility(teacher);
  await teacher.getByRole('button', { name: 'Commencer le parcours' }).click();
  await teacher.waitForURL(/\/etapes\/\d+$/);
  // A note of her own on the first step, kept when she comes back.
  await teacher.getByLabel(/^Mes notes/).fill('Prévoir un bâton de parole.');
  await teacher.getByRole('button', { name: 'Enregistrer mes notes' }).click();
  assert.match(await teacher.textContent('main'), /Vos notes sont enregistrées/);
  await checkAccessibility(teacher);
  let steps = 0;
  for (;;) {
    assert.match(await teacher.textContent('main'), new RegExp(`Étape ${steps + 1} sur 4`));
    const last = (await teacher.getByRole('button', { name: /terminer$/ }).count()) === 1;
    await teacher.getByRole('button', { name: /^J'ai fait cette étape/ }).click();
    steps += 1;
    if (last) break;
    await teacher.waitForURL(/\/etapes\/\d+$/);
  }
  assert.equal(steps, 4);
  await teacher.waitForURL(/acheve=1$/);
  assert.match(await teacher.textContent('main'), /Bravo, vous avez achevé le parcours/);
  assert.match(await teacher.textContent('main'), /4 étape\(s\) sur 4/);
  await checkAccessibility(teacher);
  const download = teacher.waitForEvent('download');
  await teacher.getByRole('link', { name: /Attestation de formation/ }).click();
  assert.match((await download).suggestedFilename(), /^attestation-parcours-\d+\.pdf$/);

  // Her trainer sees her progress, not her notes; her IEN cannot open the cohort.
  const trainer = await signIn(email('formateur'));
  await trainer.goto(teacher.url().replace(/\?.*$/, '') + '/cohorte');
  await checkAccessibility(trainer);
  const cohort = await trainer.textContent('main');
  assert.match(cohort, /Professeur des écoles \(démo\)\s*4 sur 4/);
  assert.doesNotMatch(cohort, /bâton de parole/);
  const ien = await signIn(email('ien'));
  const answer = await ien.goto(teacher.url().replace(/\?.*$/, '') + '/cohorte');
  assert.equal(answer.status(), 403);
});
