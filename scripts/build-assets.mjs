// Builds static/vendor/ from the npm packages (package-lock.json pins them): the DSFR's CSS
// and JavaScript, its fonts, the icons its CSS uses and the utility icons our templates
// use. The result is committed, so that `cargo run` needs no Node; CI rebuilds it and
// checks that nothing differs.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, rmSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dsfr = join(root, 'node_modules/@gouvfr/dsfr/dist');
const out = join(root, 'static/vendor/dsfr');

// Utility icons: every `fr-icon-…` class written in the templates, our Rust views and our
// scripts (a test checks that each is served).
const used = new Set();
const scan = (dir) => {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) scan(path);
    else if (/\.(html|rs|js|mjs)$/.test(entry.name)) {
      for (const m of readFileSync(join(root, path), 'utf8').matchAll(/fr-icon-([a-z0-9]+(?:-[a-z0-9]+)*)/g)) used.add(m[1]);
    }
  }
};
for (const dir of ['templates', 'crates/web/src', 'front']) scan(dir);

const stripSourceMap = (text) => text.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '').replace(/\/\/# sourceMappingURL=.*\s*$/, '');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copy = (from, to) => {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
};

// Core CSS, and every file it refers to.
const css = stripSourceMap(readFileSync(join(dsfr, 'dsfr.min.css'), 'utf8'));
writeFileSync(join(out, 'dsfr.min.css'), css);
const referenced = new Set([...css.matchAll(/url\((?!["']?data:)["']?([^)"']+)["']?\)/g)].map((m) => m[1]));
for (const file of [...referenced].sort()) copy(join(dsfr, file), join(out, file));

// Utility icons: only the rules of the icons we use.
const utility = readFileSync(join(dsfr, 'utility/icons/icons.min.css'), 'utf8');
const rules = [];
const icons = [...used].filter((icon) => !css.includes(`.fr-icon-${icon}:before`)).sort();
for (const icon of icons) {
  const rule = utility.match(new RegExp(`\\.fr-icon-${icon}:after,\\.fr-icon-${icon}:before\\{[^}]*\\}`));
  if (!rule) throw new Error(`icône DSFR introuvable : ${icon}`);
  const text = rule[0].replaceAll('../../icons/', 'icons/');
  for (const m of text.matchAll(/url\(([^)]+)\)/g)) copy(join(dsfr, m[1]), join(out, m[1]));
  rules.push(text);
}
writeFileSync(join(out, 'icons.min.css'), rules.join('\n') + '\n');

// JavaScript (module and legacy), fonts and favicons.
for (const js of ['dsfr.module.min.js', 'dsfr.nomodule.min.js']) {
  writeFileSync(join(out, js), stripSourceMap(readFileSync(join(dsfr, js), 'utf8')));
}
for (const font of readdirSync(join(dsfr, 'fonts'))) copy(join(dsfr, 'fonts', font), join(out, 'fonts', font));
for (const icon of ['favicon.svg', 'favicon.ico', 'apple-touch-icon.png']) copy(join(dsfr, 'favicon', icon), join(out, 'favicon', icon));

const version = JSON.parse(readFileSync(join(dsfr, '../package.json'), 'utf8')).version;
writeFileSync(join(out, 'VERSION'), `@gouvfr/dsfr ${version}\n`);
console.log(`static/vendor/dsfr : DSFR ${version}, ${referenced.size} fichiers référencés, ${icons.length} icônes`);

// Our scripts: the pad editor bundled with its packages (CodeMirror, Yjs, y-websocket,
// marked, DOMPurify), the chat room's, the observation grid's, the map's (Leaflet) and the
// practice form's scripts, and the pad's and the map's stylesheets.
const { build } = await import('esbuild');
// y-codemirror.next paints the other people's cursors and selections with `style` attributes,
// which the pages' policy (no inline style) refuses, logging a violation each time: they are
// written as `data-y-color` / `data-y-background` instead, and front/pad.js paints them through
// the CSSOM, which the policy allows.
const remoteColours = {
  name: 'remote-colours',
  setup(plugin) {
    plugin.onLoad({ filter: /y-codemirror\.next[\\/]src[\\/]y-remote-selections\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const caret = "pair.create('style', `background-color: ${this.color}; border-color: ${this.color}`)";
      const mark = 'style: `background-color: ${colorLight}`';
      const contents = source
        .replace(caret, "pair.create('data-y-color', this.color)")
        .replaceAll(mark, "'data-y-background': colorLight");
      if (!source.includes(caret) || source.split(mark).length !== 5 || /style: `|'style'/.test(contents)) {
        throw new Error('y-codemirror.next a changé : revoir la réécriture des couleurs des curseurs');
      }
      return { contents, loader: 'js' };
    });
  },
};
const js = join(root, 'static/js');
rmSync(js, { recursive: true, force: true });
mkdirSync(js, { recursive: true });
for (const entry of ['pad.js', 'chat.js', 'observation.js', 'map.js', 'practice.js', 'territory-map.js']) {
  await build({
    entryPoints: [join(root, 'front', entry)],
    plugins: [remoteColours],
    outfile: join(js, entry),
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
}
copyFileSync(join(root, 'front/pad.css'), join(js, 'pad.css'));
// The map's stylesheet: Leaflet's, then ours; and the images Leaflet's refers to.
const leaflet = join(root, 'node_modules/leaflet/dist');
writeFileSync(join(js, 'map.css'), readFileSync(join(leaflet, 'leaflet.css'), 'utf8') + '\n' + readFileSync(join(root, 'front/map.css'), 'utf8'));
for (const image of readdirSync(join(leaflet, 'images'))) copy(join(leaflet, 'images', image), join(js, 'images', image));
console.log(`static/js : ${readdirSync(js).join(', ')}`);
