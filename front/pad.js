// The pad editor: CodeMirror 6 on a Yjs document kept in sync with the server in the
// y-websocket protocol; everyone's cursor and name; a rendered, sanitised preview.
// Without JavaScript the page shows the rendered text only.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { Language, defineLanguageFacet, languageDataProp, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { GFM, parser } from '@lezer/markdown';
import { marked } from 'marked';
import DOMPurify from 'dompurify';

// Markdown with GitHub's tables and task lists, highlighted; without @codemirror/lang-markdown,
// which brings HTML, CSS and JavaScript parsers (200 KB) a pad does not need.
const markdownData = defineLanguageFacet({ commentTokens: { block: { open: '<!--', close: '-->' } } });
const markdown = new Language(markdownData, parser.configure([GFM, { props: [languageDataProp.add({ Document: markdownData })] }]), [], 'markdown');

const root = document.getElementById('pad');
if (root) {
  const writes = root.dataset.writes === 'true';
  const status = document.getElementById('pad-etat');
  const present = document.getElementById('pad-presents');
  const preview = document.getElementById('pad-apercu');
  const doc = new Y.Doc();
  const text = doc.getText('content');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const provider = new WebsocketProvider(`${scheme}://${location.host}/api/v1/pads/${root.dataset.pad}`, 'sync', doc);
  // DSFR colours; the server puts each person's real name in their cursor.
  const colours = ['#000091', '#6a6af4', '#009081', '#c9191e', '#b34000', '#716043', '#a558a0'];
  const colour = colours[doc.clientID % colours.length];
  provider.awareness.setLocalStateField('user', { name: root.dataset.me || 'Moi', color: colour, colorLight: `${colour}33` });

  const say = (message) => { status.textContent = message; };
  provider.on('status', ({ status: state }) => {
    if (state === 'connected') say(writes ? 'Connecté : vos modifications sont partagées en direct.' : 'Connecté, en lecture seule.');
    else if (state === 'disconnected') say('Connexion perdue : vos modifications sont gardées et seront envoyées au retour de la connexion.');
  });
  provider.on('connection-close', (event) => {
    if (event && event.code === 1008 && event.reason) say(event.reason);
  });

  const people = () => {
    const names = [...provider.awareness.getStates().values()].map((s) => s.user && s.user.name).filter(Boolean);
    present.textContent = names.length > 1 ? `Sur ce pad : ${[...new Set(names)].join(', ')}.` : '';
  };
  provider.awareness.on('change', people);

  let pending;
  const render = () => {
    clearTimeout(pending);
    pending = setTimeout(() => { preview.innerHTML = DOMPurify.sanitize(marked.parse(text.toString())); }, 200);
  };
  text.observe(render);

  const editor = document.getElementById('pad-editeur');
  editor.hidden = false;
  document.getElementById('pad-apercu-colonne').className = 'fr-col-12 fr-col-lg-6';
  const view = new EditorView({
    state: EditorState.create({
      doc: text.toString(),
      // Undo and redo are Yjs's (each person undoes their own changes), not CodeMirror's.
      extensions: [
        lineNumbers(),
        highlightSpecialChars(),
        drawSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle),
        markdown,
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, ...searchKeymap, indentWithTab]),
        EditorView.lineWrapping,
        EditorView.cspNonce.of(root.dataset.nonce || ''),
        EditorState.readOnly.of(!writes),
        EditorView.editable.of(writes),
        EditorView.contentAttributes.of({ 'aria-label': 'Texte du pad, en Markdown', 'aria-multiline': 'true' }),
        yCollab(text, provider.awareness),
      ],
    }),
    parent: document.getElementById('pad-code'),
  });
  paintRemoteColours(view.dom);
}

/// The colours of the other people's cursors and selections, written as data attributes (see
/// scripts/build-assets.mjs), painted through the CSSOM: the page's policy forbids inline
/// `style` attributes, not styles set by a script of the page.
function paintRemoteColours(editor) {
  const paint = (element) => {
    const { yColor, yBackground } = element.dataset;
    if (yColor) {
      element.style.backgroundColor = yColor;
      element.style.borderColor = yColor;
    }
    if (yBackground) element.style.backgroundColor = yBackground;
  };
  const selector = '[data-y-color], [data-y-background]';
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') paint(record.target);
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.matches(selector)) paint(node);
        node.querySelectorAll(selector).forEach(paint);
      }
    }
  }).observe(editor, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-y-color', 'data-y-background'] });
}
