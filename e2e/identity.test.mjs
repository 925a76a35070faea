// Identity and personal data in a browser, on demo data, with a real OpenID Connect provider
// (oidc-provider, e2e/oidc/provider.mjs): a teacher signs in with her académie account,
// sees her sessions, downloads her data and closes her account; a space's owner invites a
// partner, who creates her account from the mailed link; the administrator reads the audit
// trail. axe-core checks every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDemo } from './server.mjs';
import { checkAccessibility, launch } from './browser.mjs';

let provider, answers, demo, browser, base, newPage, signIn;

async function command(line) {
  provider.stdin.write(`${line}\n`);
  for (;;) {
    const { value } = await answers.next();
    if (value === undefined) throw new Error('the provider stopped');
    if (!value.startsWith('oidc-provider')) return value;
  }
}

before(async () => {
  provider = spawn('node', ['e2e/oidc/provider.mjs'], { stdio: ['pipe', 'pipe', 'ignore'] });
  answers = createInterface({ input: provider.stdout })[Symbol.asyncIterator]();
  const first = (await answers.next()).value;
  const issuer = first.replace(/^issuer /, '');
  demo = await startDemo({
    TERRITOIRE_OIDC_ISSUER: issuer,
    TERRITOIRE_OIDC_CLIENT_ID: 'territoire',
    TERRITOIRE_OIDC_CLIENT_SECRET: 'secret-de-test',
    TERRITOIRE_OIDC_SCOPES: 'openid email profile education',
  });
  base = demo.base;
  assert.equal(await command(`redirect ${base}/auth/oidc/callback`), 'ok');
  ({ browser, newPage, signIn } = await launch(base, demo.password));
});

after(async () => {
  await browser?.close();
  demo?.stop();
  provider?.kill();
});

const email = (code) => `${code}@demo.territoire.fr`;

test('a teacher signs in with her académie account, downloads her data and closes her account', async () => {
  const page = await newPage();
  await page.goto(base + '/connexion');
  await checkAccessibility(page);
  await page.getByRole('link', { name: 'Se connecter avec mon compte académique' }).click();
  // The provider's own sign-in form.
  await page.locator('input[name=login]').fill('enseignant-2d.camille.martin');
  await page.locator('input[name=password]').fill('peu importe');
  await page.locator('button[type=submit]').click();
  await page.waitForURL(base + '/');
  assert.match(await page.textContent('h1'), /Bonjour, Camille Martin/);
  await page.getByRole('link', { name: 'Camille Martin' }).click();
  const main = await page.textContent('main');
  assert.match(main, /Camille Martin/);
  assert.match(main, /enseignant-2d\.camille\.martin@ac-lille\.fr/);
  const sessions = page.getByRole('table', { name: 'Vos sessions ouvertes' });
  assert.match(await sessions.textContent(), /cet appareil[\s\S]*compte académique/);
  await checkAccessibility(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger mes données (ZIP)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^territoire-mes-donnees-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = readFileSync(await download.path());
  assert.equal(zip.subarray(0, 2).toString(), 'PK');
  assert.ok(zip.includes(Buffer.from('donnees/profil.json')));

  await page.goto(base + '/donnees-personnelles');
  assert.match(await page.textContent('main'), /compte de leur académie/);
  await checkAccessibility(page);

  await page.goto(base + '/compte');
  await page.getByRole('link', { name: 'Fermer mon compte' }).click();
  await checkAccessibility(page);
  await page.getByLabel(/Pour confirmer/).fill('fermer mon compte');
  await page.getByRole('button', { name: 'Fermer définitivement mon compte' }).click();
  await page.waitForURL('**/donnees-personnelles?compte-ferme=1');
  assert.match(await page.textContent('main'), /Votre compte est fermé/);
  // Signed out: the page asks to sign in, and would come back to it.
  await page.goto(base + '/compte');
  await page.waitForURL(/\/connexion\?suivant=%2Fcompte$/);
});

test("a space's owner invites a partner, who creates her account from the link", async () => {
  const head = await signIn(email('perdir'));
  await head.goto(base + '/compte');
  await head.getByRole('link', { name: 'Inviter des partenaires dans vos espaces' }).click();
  await checkAccessibility(head);
  await head.getByLabel('Nom et prénom').fill('Léa Bibliothèque');
  await head.getByLabel('Adresse électronique').fill('lea@mediatheque-arras.fr');
  await head.getByLabel('Fonction').selectOption('partenaire');
  // The DSFR draws the box on the label.
  await head.locator('label[for^="espace-"]', { hasText: "Échanges de l'observatoire OTA62" }).click();
  await head.getByRole('button', { name: "Envoyer l'invitation" }).click();
  assert.match(await head.textContent('main'), /Invitation envoyée à lea@mediatheque-arras\.fr/);
  assert.match(await head.getByRole('table', { name: 'Les invitations que vous avez envoyées' }).textContent(), /En attente/);
  await checkAccessibility(head);

  const outbox = join(demo.data, 'outbox');
  const mail = readdirSync(outbox)
    .map((f) => readFileSync(join(outbox, f), 'utf8').replace(/=\r?\n/g, ''))
    .find((m) => m.includes('To: lea@mediatheque-arras.fr'));
  const link = mail.match(/https?:\/\/\S+\/invitation\/[0-9a-f]+/)[0];

  const lea = await newPage();
  await lea.goto(link);
  assert.match(await lea.textContent('main'), /vous invite à rejoindre Territoire dans : Échanges de l'observatoire OTA62/);
  await checkAccessibility(lea);
  await lea.getByLabel(/^Mot de passe/).fill('une phrase de passe solide');
  await lea.getByLabel('Confirmation du mot de passe').fill('une phrase de passe solide');
  await lea.getByRole('button', { name: 'Créer mon compte' }).click();
  await lea.waitForURL('**/compte');
  assert.match(await lea.textContent('main'), /Partenaire/);
  await lea.goto(base + '/espaces');
  assert.match(await lea.textContent('main'), /Échanges de l'observatoire OTA62/);

  // The link works once.
  const again = await newPage();
  const reused = await again.goto(link);
  assert.equal(reused.status(), 410);
  assert.match(await again.textContent('main'), /déjà servi/);
});

test('the administrator reads the audit trail and the retention rules', async () => {
  const admin = await signIn('admin@demo.territoire.fr');
  await admin.goto(base + '/admin/journal');
  await checkAccessibility(admin);
  const trail = await admin.getByRole('table', { name: 'Événements du journal de sécurité' }).textContent();
  for (const event of ['Compte créé', 'Connexion', 'Export de données', 'Compte fermé', 'Invitation envoyée', 'Invitation acceptée']) {
    assert.match(trail, new RegExp(event), event);
  }
  assert.doesNotMatch(trail, /camille/i, 'a closed account leaves no name in the trail');
  await admin.getByLabel('Événement').selectOption('account-closed');
  await admin.getByRole('button', { name: 'Filtrer' }).click();
  const filtered = await admin.getByRole('table', { name: 'Événements du journal de sécurité' }).textContent();
  assert.match(filtered, /Ancien membre/);
  assert.doesNotMatch(filtered, /Invitation envoyée/);
  await admin.goto(base + '/admin/conservation');
  assert.match(await admin.textContent('main'), /Si la tâche passait maintenant/);
  await checkAccessibility(admin);
  await admin.goto(base + '/admin/comptes?q=lea');
  assert.match(await admin.textContent('main'), /lea@mediatheque-arras\.fr/);
  await checkAccessibility(admin);
});
