// A territory's own work in a browser, on demo data: the demo teacher takes the maturity
// self-assessment (answer alone, see the spread without names), the coordinator agrees the
// levels with their evidence, and the radar chart compares the dates; events and the Lab; the
// shared inventory; the networks' cohorts, a convention to renew and a day freed by an INSPE
// student taken by a peer. axe-core checks every page on the way.
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
const levels = { Collectif: 3, 'Équipe de direction': 3, 'Objets de travail': 4, Partenaires: 2, Structuration: 3 };

test('a maturity self-assessment, from each answer to the levels agreed', async () => {
  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/territoires');
  await teacher.getByRole('link', { name: /OTA62/ }).click();
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: 'Maturité du territoire' }).click();
  await checkAccessibility(teacher);
  // The history of the demo: two dates compared on the radar, with its data table.
  assert.equal(await teacher.locator('svg.tt-radar polygon.tt-radar__after').count(), 1);
  assert.equal(await teacher.locator('svg.tt-radar polygon.tt-radar__before').count(), 1);
  const table = teacher.getByRole('table', { name: /Données du graphique/ });
  assert.match(await table.textContent(), /Équipe de direction\s*2\s*3/);
  assert.match(await teacher.textContent('main'), /Pour atteindre le niveau suivant/);

  // She answers alone: a level per dimension, chosen with the keyboard-reachable radios.
  for (const [dimension, level] of Object.entries(levels)) {
    const group = teacher.getByRole('group', { name: new RegExp('^' + dimension) });
    // The DSFR draws the radio in its label: the label is what one clicks.
    await group.locator('label', { hasText: new RegExp(`^${level}\\. `) }).click();
    assert.ok(await group.getByRole('radio', { name: new RegExp(`^${level}\\. `) }).isChecked());
  }
  await teacher.getByRole('button', { name: 'Enregistrer ma réponse' }).click();
  const main = await teacher.textContent('main');
  assert.match(main, /Votre réponse est enregistrée/);
  assert.match(main, /réponse\(s\), dont la vôtre/);
  const spread = teacher.getByRole('table', { name: /Répartition des réponses/ });
  assert.match(await spread.textContent(), /Objets de travail/);
  assert.doesNotMatch(await spread.textContent(), /démo/, 'no name in the spread');
  assert.equal(await teacher.getByRole('button', { name: 'Arrêter ces niveaux' }).count(), 0);
  await checkAccessibility(teacher);

  // The coordinator agrees the levels with evidence; the radar now compares the last two.
  const coordinator = await signIn(email('perdir'));
  await coordinator.goto(base + '/territoires');
  await coordinator.getByRole('link', { name: /OTA62/ }).click();
  await coordinator.getByRole('link', { name: 'Maturité du territoire' }).click();
  await coordinator.getByLabel('Niveau arrêté pour « Objets de travail »').selectOption('3');
  await coordinator.getByLabel('Preuves pour « Objets de travail »').fill('[Les visites croisées](/observatoires)');
  await checkAccessibility(coordinator);
  await coordinator.getByRole('button', { name: 'Arrêter ces niveaux' }).click();
  const agreed = await coordinator.textContent('main');
  assert.match(agreed, /Les niveaux du territoire sont arrêtés/);
  assert.equal(await coordinator.getByRole('link', { name: 'Les visites croisées' }).count(), 1);
  const history = coordinator.getByRole('table', { name: /Niveaux arrêtés, du plus récent/ });
  assert.equal(await history.locator('tbody tr').count(), 3);
  assert.match(await coordinator.getByRole('table', { name: /Données du graphique/ }).textContent(), /Objets de travail\s*2\s*3/);
  await checkAccessibility(coordinator);
});

test('an event fills up, the next person waits, and gets the place freed', async () => {
  // The demo teacher takes the last place of the Lab's workshop.
  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/evenements');
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: 'Atelier : la classe coopérative' }).click();
  assert.match(await teacher.textContent('main'), /11 inscrit\(s\) sur 12/);
  await checkAccessibility(teacher);
  const eventUrl = teacher.url();
  await teacher.getByRole('button', { name: "S'inscrire", exact: true }).click();
  assert.match(await teacher.textContent('main'), /Vous êtes inscrit·e\./);

  // The researcher comes next: the waiting list.
  const researcher = await signIn(email('chercheur'));
  await researcher.goto(eventUrl);
  await researcher.getByRole('button', { name: "S'inscrire sur la liste d'attente" }).click();
  assert.match(await researcher.textContent('main'), /liste d'attente, en position 1/);
  await checkAccessibility(researcher);

  // The teacher cannot come after all: her place goes to the researcher.
  await teacher.getByRole('button', { name: 'Annuler mon inscription' }).click();
  assert.match(await teacher.textContent('main'), /Votre inscription est annulée/);
  await researcher.goto(eventUrl);
  assert.match(await researcher.textContent('main'), /Vous êtes inscrit·e\./);

  // The organiser sees who registered and records who came.
  const organiser = await signIn(email('charge-de-mission'));
  await organiser.goto(eventUrl);
  const table = organiser.getByRole('table', { name: /Inscrits et liste d'attente/ });
  assert.match(await table.textContent(), /Chercheur/);
  await organiser.locator('label', { hasText: /^Présence de Chercheur/ }).click();
  await organiser.getByRole('button', { name: 'Enregistrer les présences' }).click();
  assert.match(await organiser.textContent('main'), /Présences enregistrées : 1\./);
  await checkAccessibility(organiser);

  // The Lab: the workshop's room is taken then; a later slot is free.
  await teacher.goto(base + '/lab');
  await checkAccessibility(teacher);
  const slot = await teacher.getByRole('table', { name: /Réservations des salles/ }).textContent();
  assert.match(slot, /Atelier : la classe coopérative/);
});

test('the shared inventory, written in two establishments, shows what they have in common', async () => {
  const openLaunch = async (page) => {
    await page.goto(base + '/territoires');
    await page.getByRole('link', { name: /OTA62/ }).click();
    await page.getByRole('link', { name: 'Lancement du territoire' }).click();
    // The overview of the five steps; each has its own screen.
    await page.getByRole('link', { name: "Réaliser l'état des lieux partagé du territoire" }).click();
    await page.waitForURL('**/lancement/etape-1');
  };
  const success = 'Les ateliers philo du jeudi';
  // The école's working group writes a success it believes common.
  const teacher = await signIn(email('enseignant-1d'));
  await openLaunch(teacher);
  await checkAccessibility(teacher);
  assert.match(await teacher.textContent('main'), /Réaliser l'état des lieux partagé du territoire/);
  await teacher.locator('label', { hasText: /^Réussite$/ }).click();
  await teacher.locator('label', { hasText: /^Commune à d'autres établissements$/ }).click();
  await teacher.getByLabel('La réussite ou la difficulté, en quelques mots').fill(success);
  await teacher.getByRole('button', { name: "Ajouter à l'état des lieux" }).click();
  assert.match(await teacher.textContent('main'), /Ajouté à l'état des lieux/);
  const common = teacher.getByRole('table', { name: /communes/ });
  assert.match(await common.locator('tr', { hasText: success }).textContent(), /1 :/);

  // The collège's group takes it up: it is now common to two establishments.
  const colleague = await signIn(email('enseignant-2d'));
  await openLaunch(colleague);
  const row = colleague.getByRole('table', { name: /communes/ }).locator('tr', { hasText: success });
  await row.getByRole('button', { name: /^Aussi pour / }).click();
  const after = colleague.getByRole('table', { name: /communes/ }).locator('tr', { hasText: success });
  assert.match(await after.textContent(), /2 :/);
  assert.equal(await after.getByRole('button').count(), 0);
  await checkAccessibility(colleague);
  // The problem statement of the steering group is there for everyone to read, one step on.
  await colleague.getByRole('link', { name: 'Étape suivante' }).click();
  await colleague.waitForURL('**/lancement/etape-2');
  assert.match(await colleague.textContent('main'), /Comment faire coopérer les élèves/);
  await checkAccessibility(colleague);
});

test('networks, partners and the INSPE: cohorts, a convention to renew, a freed day taken by a peer', async () => {
  const open = async (page, link) => {
    await page.goto(base + '/territoires');
    await page.getByRole('link', { name: /OTA62/ }).click();
    await page.getByRole('link', { name: link }).click();
    await checkAccessibility(page);
  };
  // The coordination: one teacher at each of the network's three years.
  const coordinator = await signIn(email('perdir'));
  await open(coordinator, "Réseaux d'enseignants");
  const cohorts = coordinator.getByRole('table', { name: /Membres de chaque réseau selon leur année/ });
  assert.match(await cohorts.locator('tr', { hasText: 'Ensemble' }).textContent(), /1\s*1\s*1/);
  assert.match(await coordinator.textContent('main'), /Passeurs d'expériences/);

  // The PEDT ends within 90 days: it says so, and the coordination renews it.
  await open(coordinator, 'Partenaires et conventions');
  const pedt = coordinator.locator('[id^="convention-"]', { hasText: 'Projet éducatif territorial de la commune' });
  assert.match(await pedt.textContent(), /Finit dans \d+ jours : à renouveler/);
  const later = new Date(Date.now() + 3 * 365 * 86400000).toISOString().slice(0, 10);
  await pedt.getByLabel("Renouveler jusqu'au").fill(later);
  await pedt.getByRole('button', { name: /^Renouveler/ }).click();
  assert.match(await coordinator.textContent('main'), /La convention est renouvelée/);
  const renewed = coordinator.locator('[id^="convention-"]', { hasText: 'Projet éducatif territorial de la commune' });
  assert.match(await renewed.textContent(), /En cours/);
  await checkAccessibility(coordinator);

  // The demo teacher's M1 student takes her class: a colleague welcomes her in his.
  const peer = await signIn(email('enseignant-2d'));
  await open(peer, "Partenariat avec l'INSPE");
  await peer.getByRole('button', { name: /^Je l'accueille dans ma classe/ }).click();
  assert.match(await peer.textContent('main'), /vous accueillez votre collègue ce jour-là/);
  await checkAccessibility(peer);
  const host = await signIn(email('enseignant-1d'));
  await open(host, "Partenariat avec l'INSPE");
  assert.match(await host.textContent('main'), /l'accueille dans la sienne/);
  assert.equal(await host.getByRole('button', { name: /^Je l'accueille/ }).count(), 0);
});

test('a territory made from nothing: created, its coordination named, two teachers seated, step 1 led', async () => {
  // The administrator, from the territories' list, by clicking.
  const admin = await signIn(email('admin'), { viewport: { width: 1280, height: 800 } });
  const menu = admin.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('button', { name: 'Territoires' }).click();
  await menu.getByRole('link', { name: 'Territoires apprenants' }).click();
  await admin.getByRole('link', { name: 'Créer un territoire' }).click();
  await checkAccessibility(admin);
  await admin.getByLabel('Nom du territoire').fill('Territoire apprenant du Ternois');
  await admin.getByLabel('Coordination').fill(email('perdir'));
  await admin.getByLabel("Chercher dans l'annuaire (nom, commune ou UAI)").fill('Arras');
  await admin.getByRole('button', { name: 'Chercher' }).click();
  // The search keeps what was typed, and offers establishments to tick.
  assert.equal(await admin.getByLabel('Nom du territoire').inputValue(), 'Territoire apprenant du Ternois');
  const offered = admin.getByRole('checkbox');
  assert.ok(await offered.count() >= 2, 'the directory offers establishments of Arras');
  await admin.locator('.fr-checkbox-group label').nth(0).click();
  await admin.locator('.fr-checkbox-group label').nth(1).click();
  // On the map, a click on a point ticks or unticks its box.
  const firstBox = admin.locator('input[name=uai]').first();
  const points = admin.locator('#choix-carte path.leaflet-interactive');
  assert.equal(await points.count(), await admin.locator('input[name=uai][data-place]').count());
  await points.first().click();
  assert.equal(await firstBox.isChecked(), false);
  await points.first().click();
  assert.equal(await firstBox.isChecked(), true);
  // The establishments of the zone shown are listed, those ticked kept.
  await admin.getByRole('button', { name: 'Lister les établissements de la zone affichée' }).click();
  assert.equal(await admin.getByLabel('Nom du territoire').inputValue(), 'Territoire apprenant du Ternois');
  assert.equal(await admin.locator('input[name=uai]:checked').count(), 2);
  assert.ok(await admin.locator('input[name=uai]').count() > 2, 'the zone lists others around');
  await checkAccessibility(admin);
  await admin.getByRole('button', { name: 'Créer le territoire' }).click();
  await admin.waitForURL('**/territoires/territoire-apprenant-du-ternois');
  assert.match(await admin.textContent('main'), /2 établissement\(s\) — 1 membre\(s\)/);

  // The head of school finds it from her home page, seats two teachers.
  const head = await signIn(email('perdir'));
  await head.locator('#mes-territoires').locator('..').getByRole('link', { name: 'Territoire apprenant du Ternois' }).click();
  await head.getByRole('link', { name: 'Membres et rôles' }).click();
  for (const teacher of ['enseignant-1d', 'enseignant-2d']) {
    await head.getByLabel('Adresse électronique').fill(email(teacher));
    await head.getByLabel('Rôle').selectOption('member');
    await head.getByRole('button', { name: 'Donner ce rôle' }).click();
    assert.match(await head.textContent('main'), /La personne est prévenue/);
  }
  assert.match(await head.getByRole('table').textContent(), /3 membre\(s\)/);
  await checkAccessibility(head);

  // Her home page leads her to step 1 of the launch, which she leads.
  await head.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Accueil' }).click();
  await head.getByRole('link', { name: /^Mener le lancement : Étape 1 — Réaliser l'état des lieux partagé du territoire \(à faire\)/ }).click();
  await head.waitForURL('**/territoire-apprenant-du-ternois/lancement/etape-1');
  await checkAccessibility(head);
  await head.getByLabel("Où en est l'étape 1 ?").selectOption('doing');
  await head.getByRole('button', { name: "Enregistrer l'avancée" }).click();
  // The stepper, written by the server, says it is under way; the home page says so too.
  assert.match(await head.locator('.fr-stepper__state').textContent(), /Étape 1 sur 5 — En cours/);
  await checkAccessibility(head);
  await head.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Accueil' }).click();
  assert.match(await head.textContent('main'), /Étape 1 — Réaliser l'état des lieux partagé du territoire \(en cours\)/);

  // A teacher seated is told, and finds the territory's work.
  const teacher = await signIn(email('enseignant-1d'));
  await teacher.goto(base + '/notifications');
  assert.match(await teacher.textContent('main'), /Vous êtes membre du territoire « Territoire apprenant du Ternois »/);
});
