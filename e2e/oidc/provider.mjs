// A real OpenID Connect provider (the npm package `oidc-provider`) for the single sign-on
// tests. It listens on 127.0.0.1 at once and prints `issuer <url>`; then it reads commands
// on its standard input, answering `ok` to each:
//   redirect <url>   registers the platform (client `territoire`, secret `secret-de-test`)
//                    with this return address, and starts answering;
//   mode <m>         how the next ID tokens come out of the token endpoint: `normal`;
//                    `wrong-audience` (issued for another application) and `expired`, both
//                    re-signed with the provider's own key, so only the claim is wrong, as
//                    for `wrong-nonce` (the nonce of another login);
//                    `forged-signature` (signed with another key).
// Accounts: any login is accepted (the provider's development sign-in form); the login
// `nom.prenom` gives `nom.prenom@ac-lille.fr`, verified unless the login starts with
// `nonverifie.`; a login starting with a function code (`ien.`, `cpe.`…) carries it in the
// `fonction` claim, and every account works at UAI 0620001P (`uai` claim, as `UAI$…`).
import http from 'node:http';
import { createInterface } from 'node:readline';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';

const CLIENT = { id: 'territoire', secret: 'secret-de-test' };
const FUNCTIONS = ['ien', 'cpe', 'perdir', 'cpc', 'formateur', 'enseignant-1d', 'enseignant-2d', 'partenaire'];

let handler = (req, res) => { res.statusCode = 503; res.end('not started'); };
const server = http.createServer((req, res) => handler(req, res));
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'cle-academie', alg: 'RS256', use: 'sig' };
const signingKey = await importJWK(signingJwk, 'RS256');
const { privateKey: otherKey } = await generateKeyPair('RS256');
let mode = 'normal';

function claimsOf(login) {
  const verified = !login.startsWith('nonverifie.');
  const local = login.replace(/^nonverifie\./, '');
  const fonction = FUNCTIONS.find((f) => local.startsWith(`${f}.`));
  const name = local.split('.').filter((p) => !FUNCTIONS.includes(p))
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(' ');
  return {
    sub: `sub-${login}`,
    email: `${local}@ac-lille.fr`,
    email_verified: verified,
    name: name || local,
    ...(fonction ? { fonction } : {}),
    uai: ['0620001P$UAJ$PU$ENS$0620001P'],
  };
}

/// Rewrites the ID token of a token response as `mode` says, keeping the provider's header.
async function tamper(idToken) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = signingKey;
  if (mode === 'wrong-audience') claims.aud = 'une-autre-application';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (mode === 'wrong-nonce') claims.nonce = 'nonce-d-une-autre-connexion';
  if (mode === 'forged-signature') key = otherKey;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

function start(redirect) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      redirect_uris: [redirect],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [signingJwk] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      education: ['fonction', 'uai'],
    },
    cookies: { keys: ['cle-des-cookies-de-test'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return claimsOf(id); } };
    },
    // Every scope is granted at once: no consent screen in the tests.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile education');
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && mode !== 'normal' && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token) };
    }
  });
  handler = provider.callback();
}

console.log(`issuer ${issuer}`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, value] = line.trim().split(/\s+/, 2);
  if (command === 'redirect') start(value);
  else if (command === 'mode') mode = value;
  else { console.log(`unknown ${line}`); continue; }
  console.log('ok');
}
server.close();
