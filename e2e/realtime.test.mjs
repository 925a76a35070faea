// Real time end to end: the stock y-websocket client (npm) editing a pad through
// /api/v1/pads/{id}/sync with a personal token, then two browsers sharing a chat room and a pad
// live, with axe-core's check of every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startDemo } from './server.mjs';
import { checkAccessibility, launch } from './browser.mjs';

let demo, browser, signIn, space;

before(async () => {
  demo = await startDemo();
  ({ browser, signIn } = await launch(demo.base, demo.password));
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

async function api(token, method, path, body) {
  const answer = await fetch(demo.base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : null };
}

async function demoSpace(token) {
  if (space) return space;
  const { body } = await api(token, 'GET', '/api/v1/spaces');
  space = body.find((s) => s.name === "Échanges de l'observatoire OTA62");
  assert.ok(space, 'the demo space');
  return space;
}

/// A stock y-websocket provider, its socket carrying the token (Node has no cookies).
function provider(token, pad, doc) {
  class WithToken extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
    }
  }
  const server = demo.base.replace(/^http/, 'ws') + `/api/v1/pads/${pad}`;
  return new WebsocketProvider(server, 'sync', doc, { WebSocketPolyfill: WithToken, disableBc: true });
}

/// Waits until `condition` (which may be async) holds.
const until = async (condition, what, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('the stock y-websocket client edits a pad with a token', { timeout: 60_000 }, async () => {
  const teacher = demo.token('enseignant-1d@demo.territoire.fr');
  const colleague = demo.token('enseignant-2d@demo.territoire.fr');
  const researcher = demo.token('chercheur@demo.territoire.fr');
  const { id: spaceId } = await demoSpace(teacher);
  const created = await api(teacher, 'POST', `/api/v1/spaces/${spaceId}/pads`, { title: 'Compte rendu du conseil de cycle' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const pad = created.body.id;

  const a = new Y.Doc();
  const b = new Y.Doc();
  const first = provider(teacher, pad, a);
  const second = provider(colleague, pad, b);
  await until(() => first.synced && second.synced, 'both clients synced');

  // Both type at once; both documents and the server converge on the same text.
  a.getText('content').insert(0, 'Présents : 6 enseignants.\n');
  b.getText('content').insert(0, 'Ordre du jour : évaluations.\n');
  const expected = () => a.getText('content').toString();
  await until(() => expected().length > 40 && expected() === b.getText('content').toString(), 'convergence');
  assert.match(expected(), /Présents : 6 enseignants\./);
  assert.match(expected(), /Ordre du jour : évaluations\./);
  await until(async () => (await api(researcher, 'GET', `/api/v1/pads/${pad}`)).body.content === expected(), 'the server');

  // Awareness: each sees the other's cursor state, named by the server after the account.
  first.awareness.setLocalStateField('user', { name: 'Un faux nom', color: '#000091' });
  await until(() => [...second.awareness.getStates().values()].some((s) => s.user), 'awareness');
  const names = [...second.awareness.getStates().values()].map((s) => s.user?.name).filter(Boolean);
  assert.deepEqual(names, ['Professeur des écoles (démo)']);

  // A reader's client receives, but what it types is refused: the socket closes saying why,
  // and the pad does not change.
  const r = new Y.Doc();
  const reader = provider(researcher, pad, r);
  await until(() => reader.synced, 'the reader synced');
  assert.equal(r.getText('content').toString(), expected());
  const closed = new Promise((resolve) => reader.once('connection-close', (event) => resolve(event)));
  r.getText('content').insert(0, 'Intrus ');
  const event = await closed;
  assert.equal(event.code, 1008);
  assert.match(event.reason, /lecture seule/);
  const after = await api(teacher, 'GET', `/api/v1/pads/${pad}`);
  assert.ok(!after.body.content.includes('Intrus'), after.body.content);
  // Providers, and the awareness timers of their documents, stop with them.
  for (const p of [first, second, reader]) p.destroy();
  for (const d of [a, b, r]) d.destroy();
});

test('two browsers share a chat room and a pad live', { timeout: 120_000 }, async () => {
  const teacher = await signIn('enseignant-1d@demo.territoire.fr');
  const colleague = await signIn('enseignant-2d@demo.territoire.fr');
  const { id } = await demoSpace(demo.token('enseignant-1d@demo.territoire.fr'));

  // The room list shows the teacher's unread message; the room opens on the history.
  await teacher.goto(`${demo.base}/espaces/${id}/salons`);
  await assert.doesNotReject(teacher.getByText('1 non lu').waitFor());
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: 'Salle des maîtres du réseau' }).click();
  await teacher.waitForURL(/\/salons\/\d+$/);
  const room = teacher.url();
  await assert.doesNotReject(teacher.locator('strong', { hasText: "grille d'observation" }).waitFor());
  await assert.doesNotReject(teacher.getByText('Connecté : les messages arrivent en direct.').waitFor());
  await checkAccessibility(teacher);
  await colleague.goto(room);
  await assert.doesNotReject(colleague.getByText('Connecté : les messages arrivent en direct.').waitFor());
  await assert.doesNotReject(teacher.getByText(/En ligne : .*Professeur de collège ou de lycée \(démo\)/).waitFor());

  // The colleague types (the teacher sees it), then sends: the message appears on both pages
  // without a reload, and the colleague's box is emptied.
  await colleague.getByLabel(/Votre message/).fill('Je vous apporte la grille **jeudi**.');
  await assert.doesNotReject(teacher.getByText('Professeur de collège ou de lycée (démo) écrit…').waitFor());
  const before = teacher.url();
  await colleague.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await assert.doesNotReject(teacher.locator('.chat-body strong', { hasText: 'jeudi' }).waitFor());
  await assert.doesNotReject(colleague.locator('.chat-body strong', { hasText: 'jeudi' }).waitFor());
  assert.equal(teacher.url(), before, 'no reload');
  assert.equal(await colleague.getByLabel(/Votre message/).inputValue(), '');
  await checkAccessibility(colleague);

  // The demo pad: both edit at once; each sees the other's text and the rendered preview.
  await teacher.goto(`${demo.base}/espaces/${id}/pads`);
  await checkAccessibility(teacher);
  await teacher.getByRole('link', { name: "Grille d'observation — calcul mental" }).click();
  await teacher.waitForURL(/\/pads\/\d+$/);
  const pad = teacher.url();
  await colleague.goto(pad);
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(page.getByText('Connecté : vos modifications sont partagées en direct.').waitFor());
  }
  const editor = (page) => page.getByRole('textbox', { name: 'Texte du pad, en Markdown' });
  await editor(teacher).click();
  await teacher.keyboard.press('Control+End');
  await teacher.keyboard.type('\n- les erreurs **fréquentes**');
  await editor(colleague).click();
  await colleague.keyboard.press('Control+Home');
  await colleague.keyboard.type('Relu en conseil de cycle.\n\n');
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(page.locator('#pad-apercu strong', { hasText: 'fréquentes' }).waitFor());
    await assert.doesNotReject(page.locator('#pad-apercu p', { hasText: 'Relu en conseil de cycle.' }).waitFor());
  }
  await assert.doesNotReject(teacher.getByText(/Sur ce pad : .*Professeur de collège ou de lycée \(démo\)/).waitFor());
  // The colleague's cursor keeps its colour, painted without breaking the page's policy.
  const caret = teacher.locator('.cm-ySelectionCaret').first();
  await caret.waitFor();
  assert.notEqual(await caret.evaluate((c) => getComputedStyle(c).backgroundColor), 'rgba(0, 0, 0, 0)');
  await checkAccessibility(teacher);

  // What the server keeps is what both see: the Markdown export after a reload.
  const exported = () => teacher.evaluate(async (url) => (await fetch(url + '/export/md')).text(), pad);
  await until(async () => (await exported()).includes('fréquentes'), 'the export');
  const markdown = await exported();
  assert.match(markdown, /^Relu en conseil de cycle\.\n\n# Grille d'observation/);
  assert.match(markdown, /- les erreurs \*\*fréquentes\*\*\n?$/);

  // A named version, then back to the demo's first version.
  await teacher.getByLabel(/Nommer la version actuelle/).fill('Après le conseil');
  await teacher.getByRole('button', { name: 'Enregistrer la version' }).click();
  await assert.doesNotReject(teacher.getByText('Après le conseil').waitFor());
  await checkAccessibility(teacher);
  await teacher.close();
  await colleague.close();
});

test('messages received live get their controls, and the box suggests whom to mention', { timeout: 120_000 }, async () => {
  const teacher = await signIn('enseignant-1d@demo.territoire.fr');
  const colleague = await signIn('enseignant-2d@demo.territoire.fr');
  const { id } = await demoSpace(demo.token('enseignant-1d@demo.territoire.fr'));
  await teacher.goto(`${demo.base}/espaces/${id}/salons`);
  await teacher.getByRole('link', { name: 'Salle des maîtres du réseau' }).click();
  await teacher.waitForURL(/\/salons\/\d+$/);
  await colleague.goto(teacher.url());
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(page.getByText('Connecté : les messages arrivent en direct.').waitFor());
    // Set once: still there at the end means the page never reloaded.
    await page.evaluate(() => { window.__samePage = true; });
  }
  const message = (page, text) => page.locator('li.chat-message', { has: page.locator('.chat-body', { hasText: text }) });
  const actions = (page, messageId) => page.locator(`li.chat-actions[data-for="${messageId}"]`);

  // The teacher posts after both pages loaded: the colleague receives it live, with the
  // controls the server gives a member for someone else's message (reply, react; neither edit
  // nor delete), and the teacher's own copy has edit and delete.
  await teacher.getByLabel(/Votre message/).fill('Qui a la grille du **CM1** ?');
  await teacher.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await assert.doesNotReject(message(colleague, 'CM1').waitFor());
  const messageId = await message(colleague, 'CM1').getAttribute('data-id');
  const theirs = actions(colleague, messageId);
  await assert.doesNotReject(theirs.getByRole('link', { name: 'Répondre' }).waitFor());
  assert.equal(await theirs.getByRole('button', { name: '👍' }).count(), 1);
  assert.equal(await theirs.getByRole('link', { name: 'Modifier' }).count(), 0);
  assert.equal(await theirs.getByRole('button', { name: 'Supprimer' }).count(), 0);
  const mine = actions(teacher, messageId);
  await assert.doesNotReject(mine.getByRole('link', { name: 'Modifier' }).waitFor());
  assert.equal(await mine.getByRole('button', { name: 'Supprimer' }).count(), 1);

  // The colleague reacts to it: both pages count it, the colleague's marked as theirs.
  await theirs.getByRole('button', { name: '👍' }).click();
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(message(page, 'CM1').locator('.fr-tag', { hasText: '👍 1' }).waitFor());
  }
  assert.equal(await message(colleague, 'CM1').locator('.fr-tag.chat-mine', { hasText: '👍 1' }).count(), 1);
  assert.equal(await message(teacher, 'CM1').locator('.fr-tag.chat-mine').count(), 0);

  // The teacher edits it in place: the colleague sees the new text, marked as modified.
  await mine.getByRole('link', { name: 'Modifier' }).click();
  const editor = teacher.getByLabel('Modifier votre message');
  assert.equal(await editor.inputValue(), 'Qui a la grille du **CM1** ?');
  await checkAccessibility(teacher);
  await editor.fill('Qui a la grille du **CM2** ?');
  await teacher.getByRole('button', { name: 'Enregistrer' }).click();
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(message(page, 'CM2').locator('strong', { hasText: 'CM2' }).waitFor());
    await assert.doesNotReject(message(page, 'CM2').getByText('· modifié').waitFor());
  }
  assert.equal(await teacher.getByLabel('Modifier votre message').count(), 0);
  assert.equal(await message(colleague, 'CM2').locator('.fr-tag', { hasText: '👍 1' }).count(), 1);

  // The colleague replies, mentioning the teacher: « @ » and the first letters of the name
  // open the list of the room's people; the keyboard picks the teacher and inserts the handle.
  await actions(colleague, messageId).getByRole('link', { name: 'Répondre' }).click();
  await assert.doesNotReject(colleague.locator('#reponse-a', { hasText: 'En réponse à Professeur des écoles (démo)' }).waitFor());
  const box = colleague.getByLabel(/Votre message/);
  await box.focus();
  await colleague.keyboard.type('Moi ! @profes');
  const list = colleague.getByRole('listbox', { name: 'Personnes à mentionner' });
  await assert.doesNotReject(list.waitFor());
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  assert.equal(await box.getAttribute('role'), 'combobox');
  const options = await list.getByRole('option').allTextContents();
  assert.ok(options.some((o) => o.includes('Professeur des écoles (démo)')), options.join(' | '));
  assert.ok(!options.some((o) => o.includes('Professeur de collège ou de lycée (démo)')), 'not oneself');
  // The page passes with the list open.
  await checkAccessibility(colleague);
  const active = () => colleague.evaluate(() => {
    const field = document.getElementById('message-body');
    return document.getElementById(field.getAttribute('aria-activedescendant'))?.textContent ?? '';
  });
  for (let i = 0; i < options.length && !(await active()).includes('Professeur des écoles (démo)'); i += 1) {
    await colleague.keyboard.press('ArrowDown');
  }
  assert.match(await active(), /Professeur des écoles \(démo\)/);
  await colleague.keyboard.press('Enter');
  assert.equal(await box.inputValue(), 'Moi ! @professeur-des-ecoles-demo ');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.ok(await list.isHidden());
  // Accents and case do not matter (« ÉCOL » finds the same person); Escape closes the list.
  await colleague.keyboard.type('et @ÉCOL');
  await assert.doesNotReject(list.getByRole('option', { name: /Professeur des écoles \(démo\)/ }).waitFor());
  await colleague.keyboard.press('Escape');
  assert.ok(await list.isHidden());
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  for (let i = 0; i < 'et @ÉCOL'.length; i += 1) await box.press('Backspace');
  await colleague.keyboard.type('je passe jeudi.');
  assert.equal(await box.inputValue(), 'Moi ! @professeur-des-ecoles-demo je passe jeudi.');
  await colleague.getByRole('button', { name: 'Envoyer', exact: true }).click();
  const reply = message(teacher, 'je passe jeudi');
  await assert.doesNotReject(reply.waitFor());
  assert.match(await reply.locator('.chat-body').textContent(), /@professeur-des-ecoles-demo/);
  assert.match(await reply.locator('blockquote').textContent(), /En réponse à Professeur des écoles \(démo\)/);

  // The teacher deletes their message: gone on both pages, with its controls.
  await mine.getByRole('button', { name: 'Supprimer' }).click();
  for (const page of [teacher, colleague]) {
    await assert.doesNotReject(page.locator(`#message-${messageId}`, { hasText: 'Message supprimé par son auteur.' }).waitFor());
    await until(async () => (await actions(page, messageId).count()) === 0, 'the controls of a deleted message gone');
    assert.equal(await page.evaluate(() => window.__samePage), true, 'no reload');
  }
  await checkAccessibility(colleague);

  // The mention reached the teacher.
  await teacher.goto(`${demo.base}/notifications`);
  await assert.doesNotReject(teacher.getByText(/Professeur de collège ou de lycée \(démo\) vous a mentionné\(e\) dans le salon « Salle des maîtres du réseau »/).first().waitFor());
  await teacher.close();
  await colleague.close();
});
