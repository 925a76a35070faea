// Files people share never run on the platform's origin: an SVG with a script, an HTML page
// and a JavaScript file, put in a shared folder through the web's API and over WebDAV, are
// opened in Chromium from their page's address and over WebDAV; no script of theirs runs (it
// would call /compte?vole=…), and each comes as a download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from './server.mjs';
import { launch } from './browser.mjs';

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

const email = 'enseignant-1d@demo.territoire.fr';
const script = (channel) => `fetch('/compte?vole=${channel}').then(r => r.text()).then(t => { document.title = 'VOLÉ ' + t.length; })`;
const evil = (channel) => ({
  'evil.svg': `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>${script(channel)}</script></svg>`,
  'evil.html': `<!doctype html><html><body><script>${script(channel)}</script></body></html>`,
  'evil.js': script(channel),
});

test('uploaded SVG, HTML and JavaScript run nothing, from any channel', async () => {
  const token = demo.token(email);
  const api = (path, init = {}) => fetch(base + path, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const created = await api('/api/v1/spaces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Fichiers piégés', description: '', visibility: 'members' }),
  });
  assert.equal(created.status, 201);
  const space = (await created.json()).id;

  // Through the API's upload…
  const form = new FormData();
  for (const [name, content] of Object.entries(evil('web'))) {
    form.append('file', new Blob([content]), name);
  }
  const uploaded = await api(`/api/v1/spaces/${space}/files`, { method: 'POST', body: form });
  const entries = uploaded.status === 201 ? await uploaded.json() : [];
  // …and over WebDAV (a personal token is an application password).
  const dav = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  const davNames = [];
  for (const [name, content] of Object.entries(evil('webdav'))) {
    const put = await fetch(`${base}/dav/spaces/${space}/dav-${name}`, { method: 'PUT', headers: { authorization: dav }, body: content });
    if (put.status === 201) davNames.push(`dav-${name}`);
  }
  assert.ok(entries.length + davNames.length >= 2, 'some of the files are kept (as text)');

  const page = await signIn(email);
  const stolen = [];
  page.context().on('request', (request) => {
    if (request.url().includes('vole=')) stolen.push(request.url());
  });
  // Every address the file can be opened at, in the person's signed-in browser.
  const listing = await api(`/api/v1/spaces/${space}/files`);
  const files = listing.ok ? await listing.json() : [];
  const addresses = files
    .filter((f) => !f.is_folder)
    .map((f) => `${base}/espaces/${space}/fichiers/${f.id}/contenu`);
  assert.ok(addresses.length >= 2, `files listed: ${JSON.stringify(files)}`);
  for (const address of addresses) {
    const download = page.waitForEvent('download', { timeout: 5000 }).then(() => true, () => false);
    await page.goto(address).catch(() => {});
    assert.ok(await download, `${address} is downloaded, not shown`);
  }
  // WebDAV in the browser, the credentials in the address bar's stead.
  const davPage = await browser.newPage({ httpCredentials: { username: email, password: token } });
  davPage.on('request', (request) => {
    if (request.url().includes('vole=')) stolen.push(request.url());
  });
  for (const name of davNames) {
    const download = davPage.waitForEvent('download', { timeout: 5000 }).then(() => true, () => false);
    await davPage.goto(`${base}/dav/spaces/${space}/${name}`).catch(() => {});
    assert.ok(await download, `${name} over WebDAV is downloaded, not shown`);
  }
  // The file page itself shows the SVG as a download link, not as an image that runs.
  await page.goto(`${base}/espaces/${space}/dossiers`);
  await page.waitForTimeout(500);
  assert.deepEqual(stolen, [], 'a script of an uploaded file ran');
  assert.doesNotMatch(await page.title(), /VOLÉ/);
  await davPage.close();
  await page.close();
});
