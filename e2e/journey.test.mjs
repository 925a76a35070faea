// Browser journeys: Playwright (playwright-core) drives Debian's Chromium against the real
// binary on demo data; axe-core checks every page for serious or critical violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo } from './server.mjs';
import { checkAccessibility, launch } from './browser.mjs';

let demo, browser, base, password, data, newPage, signIn;

before(async () => {
  demo = await startDemo();
  ({ base, password, data } = demo);
  ({ browser, newPage, signIn } = await launch(base, password));
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

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
  // Home, to what waits for her: her visits, her territory and where its launch stands.
  await page.waitForURL(base + '/');
  await assert.doesNotReject(page.getByRole('heading', { name: /^Bonjour, Professeur des écoles/ }).waitFor());
  const home = await page.textContent('main');
  assert.match(home, /Mes visites/);
  assert.match(home, /OTA62[\s\S]*Lancement : Étape \d/);
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

test('share a practice with a video capsule, publish it, play it and find it', { timeout: 120_000 }, async () => {
  // A short capsule made by ffmpeg, nobody identifiable in it.
  const clip = join(data, 'capsule.mp4');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25:duration=3',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    '-shortest', clip]);
  assert.equal(made.status, 0, String(made.stderr));

  const page = await newPage();
  await page.goto(base + '/connexion');
  await page.getByLabel('Adresse électronique').fill('enseignant-2d@demo.territoire.fr');
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(base + '/');

  await page.goto(base + '/pratiques');
  await checkAccessibility(page);
  await page.getByRole('link', { name: 'Partager une pratique' }).click();
  await page.waitForURL('**/pratiques/nouvelle');
  // Before anything is saved, the form says what comes: the draft first, the video next.
  assert.match(await page.locator('#etapes').textContent(), /d'abord enregistrée comme brouillon[\s\S]*ajoutez ensuite la vidéo/);
  await checkAccessibility(page);
  await page.locator('#title').fill('Capsule : la démarche d\'investigation en physique');
  await page.locator('#summary').fill('Les élèves formulent des hypothèses et les testent en petits groupes.');
  await page.locator('#body_markdown').fill('## Déroulé\n\n- une **situation problème** ;\n- des hypothèses ;\n- une expérience.');
  await page.getByLabel('Cycle 4 (5e, 4e, 3e)').check({ force: true }); // DSFR draws its own box over the input
  await page.getByLabel('Physique-chimie').check({ force: true }); // DSFR draws its own box over the input
  await page.getByLabel('Publique : tout le monde, sur le web').check({ force: true }); // DSFR draws its own box over the input
  await page.getByRole('button', { name: 'Prévisualiser le récit' }).click();
  await assert.doesNotReject(page.locator('.tt-prose strong', { hasText: 'situation problème' }).waitFor());
  await checkAccessibility(page);
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.waitForURL(/\/pratiques\/\d+$/);
  const practiceUrl = page.url();
  await assert.doesNotReject(page.getByText('Brouillon').first().waitFor());
  await assert.doesNotReject(page.locator('#etape-suivante').getByRole('link', { name: 'ajoutez la vidéo ou les documents' }).waitFor());

  // A video sent without saying who appears in it is refused, with the reason in French.
  await page.locator('#file').setInputFiles(clip);
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  const status = page.locator('[data-upload-status]');
  await assert.doesNotReject(status.filter({ hasText: 'dites qui apparaît dans la vidéo' }).waitFor());
  assert.doesNotMatch(await status.textContent(), /Erreur \d/);

  // The capsule is uploaded with a progress bar, then transcoded by the server.
  await page.getByLabel("Personne d'identifiable").check({ force: true }); // DSFR draws its own box over the input
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  await page.locator('video.tt-video').waitFor({ timeout: 30_000 });
  // Titled by its practice, its file's name beside.
  await assert.doesNotReject(page.getByRole('heading', { name: "Vidéo — Capsule : la démarche d'investigation en physique" }).waitFor());
  assert.equal(await page.getByRole('heading', { name: /capsule\.mp4/ }).count(), 0);
  await assert.doesNotReject(page.getByText(/Fichier envoyé : capsule\.mp4/).waitFor());
  for (let i = 0; i < 60 && await page.getByText('Conversion de la vidéo en cours').count() > 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await checkAccessibility(page);

  await page.getByRole('button', { name: 'Publier' }).click();
  await assert.doesNotReject(page.getByText('Publiée', { exact: true }).waitFor());

  // Anyone can play it: the browser reads the metadata and seeks with range requests.
  const visitor = await newPage();
  await visitor.goto(practiceUrl);
  const video = visitor.locator('video.tt-video');
  await video.waitFor();
  const duration = await video.evaluate((v) => new Promise((resolve, reject) => {
    const fail = () => reject(new Error('the video does not play'));
    v.addEventListener('error', fail, { once: true });
    v.querySelector('source')?.addEventListener('error', fail, { once: true });
    const seek = () => {
      v.addEventListener('seeked', () => resolve(v.duration), { once: true });
      v.currentTime = 2;
    };
    if (v.readyState >= 1) seek();
    else v.addEventListener('loadedmetadata', seek, { once: true });
  }));
  assert.ok(duration > 2.5 && duration < 3.5, `duration ${duration}`);
  await checkAccessibility(visitor);

  // And find it by search, without the accents and with another form of the words.
  await visitor.goto(base + '/pratiques');
  await visitor.getByRole('searchbox', { name: 'Rechercher une pratique' }).fill('demarches investigations');
  await visitor.getByRole('button', { name: 'Rechercher' }).click();
  await assert.doesNotReject(visitor.getByRole('link', { name: /la démarche d'investigation en physique/ }).waitFor());
  assert.ok(await visitor.locator('mark').count() > 0, 'the words found are highlighted');
  await checkAccessibility(visitor);
  await visitor.close();
  await page.close();
});

test('a draft saves itself as it is written, keeps its text through a failure, and its video consent fits the screen', { timeout: 180_000 }, async () => {
  const clip = join(data, 'classe.mp4');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=1',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  assert.equal(made.status, 0, String(made.stderr));
  const page = await signIn('directeur-ecole@demo.territoire.fr', { viewport: { width: 1280, height: 900 } });
  const saved = async (id) => page.evaluate(async (url) => (await fetch(url)).json(), `${base}/api/v1/practices/${id}`);

  // A draft, then its form: it says that it saves itself.
  await page.goto(base + '/pratiques/nouvelle');
  await page.locator('#title').fill('Le conseil coopératif du vendredi');
  await page.locator('#summary').fill('Chaque semaine, la classe règle ses questions en conseil.');
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.waitForURL(/\/pratiques\/\d+$/);
  const practiceUrl = page.url();
  const id = practiceUrl.split('/').pop();
  await page.getByRole('link', { name: 'Modifier', exact: true }).click();
  await page.waitForURL('**/modifier');
  await assert.doesNotReject(page.getByText("Ce brouillon s'enregistre de lui-même").waitFor());
  await checkAccessibility(page);

  // Typed, then a pause: saved, said politely, still a draft.
  const status = page.locator('#brouillon-statut');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  await page.locator('#body_markdown').fill('## Déroulé\n\nUn président, un secrétaire, un ordre du jour affiché.');
  await assert.doesNotReject(status.filter({ hasText: /^Brouillon enregistré à \d{2} h \d{2}$/ }).waitFor());
  let json = await saved(id);
  assert.match(json.body_markdown, /un ordre du jour affiché/);
  assert.equal(json.status, 'draft');
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), `territoire-pratique-${id}`), null, 'the copy goes once saved');
  await checkAccessibility(page);

  // A field refused: the reason, and the text stays.
  await page.locator('#title').fill('Le');
  await assert.doesNotReject(status.filter({ hasText: /^Non enregistré : .*titre.* ; votre texte reste dans la page$/ }).waitFor());
  await page.locator('#title').fill('Le conseil coopératif du vendredi');
  await assert.doesNotReject(status.filter({ hasText: /^Brouillon enregistré/ }).waitFor());

  // The network fails: not saved, the text kept in the page and in this browser; opened
  // again, the page takes the text back and saves it.
  await page.route('**/modifier', (route) => (route.request().method() === 'POST' ? route.abort() : route.continue()));
  await page.locator('#objectives').fill('Apprendre à débattre et à décider ensemble.');
  await assert.doesNotReject(status.filter({ hasText: /^Non enregistré : pas de connexion/ }).waitFor());
  const copy = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), `territoire-pratique-${id}`));
  assert.ok(copy.fields.some(([name, value]) => name === 'objectives' && value === 'Apprendre à débattre et à décider ensemble.'));
  assert.equal((await saved(id)).objectives, '');
  await page.unroute('**/modifier');
  await page.reload();
  assert.equal(await page.locator('#objectives').inputValue(), 'Apprendre à débattre et à décider ensemble.');
  await assert.doesNotReject(status.filter({ hasText: /^Brouillon enregistré/ }).waitFor());
  json = await saved(id);
  assert.equal(json.objectives, 'Apprendre à débattre et à décider ensemble.');
  assert.equal(json.status, 'draft', 'saving by itself never publishes');

  // A video where pupils appear: its image-rights consent form fits 1280 px, then a phone.
  await page.goto(practiceUrl);
  await page.locator('#file').setInputFiles(clip);
  await page.getByLabel('Des élèves (autorisations de droit à l\'image nécessaires)').check({ force: true }); // DSFR draws its own box over the input
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  await page.locator('video.tt-video').waitFor({ timeout: 30_000 });
  await page.locator('summary', { hasText: "Enregistrer les autorisations de droit à l'image" }).click();
  const keeper = page.getByLabel('Qui conserve les formulaires signés ?');
  await keeper.waitFor();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const fits = await page.evaluate(() => {
      const form = document.querySelector('form[action$="/consentement"]');
      const edge = form.getBoundingClientRect().right;
      const over = [...form.querySelectorAll('input, select, textarea, button, label')]
        .filter((e) => e.getBoundingClientRect().right > edge + 0.5)
        .map((e) => e.id || e.textContent.trim());
      return { over, scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth };
    });
    assert.deepEqual(fits.over, [], `fields wider than the form at ${width} px`);
    assert.ok(fits.scroll <= fits.width, `no horizontal scroll at ${width} px: ${fits.scroll} > ${fits.width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkAccessibility(page);
  await page.getByLabel('Élèves reconnaissables').fill('24');
  await page.getByLabel('Dont autorisations signées « oui »').fill('24');
  await keeper.fill("Secrétariat de l'école");
  const today = new Date();
  const iso = (d) => d.toISOString().slice(0, 10);
  await page.getByLabel('Recueillies le').fill(iso(today));
  await page.getByLabel("Valables jusqu'au").fill(iso(new Date(today.getTime() + 300 * 86_400_000)));
  await page.getByLabel('Toute personne connectée à la plateforme').check({ force: true }); // DSFR draws its own box over the input
  await page.getByRole('button', { name: 'Enregistrer les autorisations' }).click();
  await assert.doesNotReject(page.getByText(/Autorisations : 24 élève\(s\), autorisations conservées par Secrétariat de l'école/).waitFor());

  // Published, its form saves nothing by itself: each save makes a version.
  await page.getByRole('button', { name: 'Publier' }).click();
  await assert.doesNotReject(page.getByText('Publiée', { exact: true }).waitFor());
  await page.getByRole('link', { name: 'Modifier', exact: true }).click();
  await page.waitForURL('**/modifier');
  assert.equal(await page.locator('#brouillon-statut').count(), 0);
  await assert.doesNotReject(page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).waitFor());
  await page.locator('#objectives').fill('Changé sans enregistrer.');
  await page.waitForTimeout(2500);
  assert.equal((await saved(id)).objectives, 'Apprendre à débattre et à décider ensemble.');
  await checkAccessibility(page);
  await page.close();
});

test('a space: write a post, reply with a mention, upload a file and restore a version', { timeout: 90_000 }, async () => {
  const page = await signIn('enseignant-1d@demo.territoire.fr');
  await page.goto(base + '/espaces');
  await checkAccessibility(page);
  await page.getByRole('link', { name: "Échanges de l'observatoire OTA62" }).click();
  await page.waitForURL(/\/espaces\/\d+$/);
  const space = page.url();
  await checkAccessibility(page);

  // A blog post, published now.
  await page.goto(space + '/blog/nouveau');
  await checkAccessibility(page);
  await page.getByLabel('Titre').fill('Retour sur la visite croisée');
  await page.locator('#body_markdown').fill('Une séance **très riche** : merci à toute l\'équipe.');
  await page.getByLabel('Publier maintenant').check({ force: true }); // DSFR draws its own box over the input
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(/\/blog\/\d+$/);
  await assert.doesNotReject(page.locator('strong', { hasText: 'très riche' }).waitFor());
  await checkAccessibility(page);

  // A reply that mentions a colleague, who is told.
  await page.goto(space + '/forum');
  await checkAccessibility(page);
  await page.getByRole('link', { name: /Observer une séance de calcul mental/ }).click();
  await page.waitForURL(/\/forum\/\d+/);
  await checkAccessibility(page);
  await page.getByLabel(/Votre réponse/).fill('Merci ! @professeur-de-college-ou-de-lycee-demo, je viens jeudi avec la grille.');
  await page.getByRole('button', { name: 'Répondre' }).click();
  await page.waitForURL(/#message-3$/);
  await assert.doesNotReject(page.locator('#message-3', { hasText: 'je viens jeudi' }).waitFor());
  await checkAccessibility(page);
  const colleague = await signIn('enseignant-2d@demo.territoire.fr');
  await colleague.goto(base + '/notifications');
  await assert.doesNotReject(colleague.getByText(/vous a mentionné\(e\) dans « Observer une séance de calcul mental/).first().waitFor());
  await checkAccessibility(colleague);
  await colleague.close();

  // A file uploaded twice becomes two versions; the first one is restored.
  const notes = join(data, 'Grille d\'observation — CM1.txt');
  await page.goto(space + '/dossiers');
  await checkAccessibility(page);
  for (const text of ['Version du lundi : 5 critères.\n', 'Version du mardi : 7 critères.\n']) {
    writeFileSync(notes, text);
    await page.locator('#file').setInputFiles(notes);
    const reloaded = page.waitForEvent('load'); // the page reloads once the file is in
    await page.getByRole('button', { name: 'Déposer' }).click();
    await reloaded;
    await assert.doesNotReject(page.getByRole('link', { name: 'Grille d\'observation — CM1.txt' }).waitFor());
  }
  await page.getByRole('link', { name: 'Grille d\'observation — CM1.txt' }).click();
  await page.waitForURL(/\/fichiers\/\d+$/);
  await checkAccessibility(page);
  await page.getByRole('button', { name: 'Restaurer la version 1' }).click();
  await assert.doesNotReject(page.getByText('n° 3 (actuelle)').waitFor());
  const current = await page.evaluate(async (url) => (await fetch(url)).text(), page.url() + '/contenu');
  assert.equal(current, 'Version du lundi : 5 critères.\n');
  await checkAccessibility(page);
  await page.close();
});
