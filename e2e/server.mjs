// The real binary on demo data (SQLite, a temporary folder), for the browser and client tests.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const binary = process.env.TERRITOIRE_BIN ?? 'target/debug/territoire';
const env = { ...process.env, TERRITOIRE_DATABASE_URL: '', TERRITOIRE_LOG: 'warn' };

/// Starts `territoire serve --demo` on a free port (with `extraEnv` added to its
/// environment); resolves once it printed its address and the demo password.
export async function startDemo(extraEnv = {}) {
  assert.ok(
    existsSync(binary),
    `binaire introuvable : ${binary} — lancez « cargo build », ou donnez son chemin dans TERRITOIRE_BIN`,
  );
  const data = mkdtempSync(join(tmpdir(), 'territoire-e2e-'));
  const server = spawn(binary, ['--data', data, 'serve', '--demo', '--bind', '127.0.0.1:0'], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let base, password;
  const lines = createInterface({ input: server.stdout });
  for await (const line of lines) {
    const address = line.match(/prêt : (http:\/\/\S+)/);
    if (address) base = address[1];
    const secret = line.match(/mot de passe : (\S+)\)/);
    if (secret) { password = secret[1]; break; }
  }
  assert.ok(base && password, 'the server printed its address and the demo password');
  return {
    base,
    password,
    data,
    /// A personal API token of a demo account (`territoire user token`).
    token(email) {
      const made = spawnSync(binary, ['--data', data, 'user', 'token', email], { env, encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      return made.stdout.trim();
    },
    stop() {
      server.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}
