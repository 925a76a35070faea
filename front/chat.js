// A chat room, live: the room's page already reads and posts without JavaScript; this opens
// the room's socket, shows new and changed messages as they come, who is online and typing,
// and posts through the socket. After a cut, it resumes from the last revision it saw.
//
// Every message, whether the server rendered it or it came over the socket, carries the
// controls the server gives this viewer (`#salon`'s data: who they are, whether they write and
// moderate): reply, edit and delete their own, delete any as a moderator, react. They are the
// page's forms and links, which work without JavaScript; here they act through the socket
// without leaving the page (and fall back to posting the form while it is cut).
//
// The message box suggests the room's people (`#ecrire`'s `data-members`) as one types `@`
// and the first letters of a name, and inserts the handle the server's mention parser reads.
const room = document.getElementById('salon');
if (room) {
  const id = room.dataset.room;
  const writes = room.dataset.writes === 'true';
  const moderates = room.dataset.moderates === 'true';
  const reactions = (room.dataset.reactions || '').split(' ').filter(Boolean);
  const list = document.getElementById('salon-messages');
  const status = document.getElementById('salon-etat');
  const present = document.getElementById('salon-presents');
  const typing = document.getElementById('salon-saisie');
  const form = document.getElementById('ecrire');
  const body = document.getElementById('message-body');
  const csrf = document.querySelector('input[name=csrf]')?.value ?? '';
  let rev = Number(room.dataset.rev) || 0;
  let me = Number(room.dataset.me) || 0;
  let socket;
  let delay = 1000;
  let typingSent = 0;
  let typingTimer;
  let counter = 0;
  // What the frames sent for a message's controls are waiting for: ref → { kind, id }.
  const pending = new Map();

  const date = (seconds) => new Date(seconds * 1000).toLocaleString('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).replace(':', ' h ');

  const element = (tag, attributes = {}, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const live = () => socket && socket.readyState === WebSocket.OPEN;
  const nextRef = () => {
    counter += 1;
    return `m${Date.now()}-${counter}`;
  };

  // A message as the page shows it (the server's sanitised HTML for its text).
  const render = (m) => {
    const item = element('li', { id: `message-${m.id}`, class: 'chat-message fr-mb-2w', 'data-id': String(m.id) });
    const head = element('p', { class: 'fr-text--sm fr-mb-0' });
    head.append(element('strong', {}, m.author ? m.author.name : 'Compte supprimé'), ' · ', element('time', {}, date(m.created_at)));
    if (m.edited_at) head.append(' · modifié');
    item.append(head);
    if (m.reply_to) {
      const quote = element('blockquote', { class: 'chat-reply fr-text--sm fr-mb-1v' }, 'En réponse à ');
      quote.append(element('a', { href: `#message-${m.reply_to.id}` }, m.reply_to.author || 'un message'));
      if (m.reply_to.excerpt) quote.append(` : « ${m.reply_to.excerpt} »`);
      item.append(quote);
    }
    if (m.deleted) {
      const note = element('p', { class: 'fr-text--sm' });
      note.append(element('em', {}, m.deleted === 'moderator' ? 'Message retiré par la modération.' : 'Message supprimé par son auteur.'));
      item.append(note);
    } else {
      const text = element('div', { class: 'chat-body' });
      text.innerHTML = m.html;
      item.append(text);
      if (m.file) {
        const file = element('p', { class: 'fr-mb-1v' });
        file.append(element('a', { class: 'fr-link fr-icon-file-line fr-link--icon-left', href: m.file.url }, m.file.name));
        item.append(file);
      }
    }
    if (m.reactions.length) {
      const shown = element('p', { class: 'fr-text--sm fr-mb-1v' });
      for (const r of m.reactions) {
        shown.append(element('span', { class: `fr-tag fr-tag--sm${r.people.includes(me) ? ' chat-mine' : ''}` }, `${r.emoji} ${r.people.length}`), ' ');
      }
      item.append(shown);
    }
    return item;
  };

  // The controls of a message, as the server gives them to this viewer (templates/spaces/
  // room.html): writers reply and react, and edit and delete their own messages; moderators
  // delete any. None once it is deleted.
  const controls = (m) => {
    if (m.deleted) return null;
    const mine = Boolean(m.author) && m.author.id === me;
    const deletable = (mine && writes) || moderates;
    const base = `/salons/${id}/messages/${m.id}`;
    const button = (text, attributes = {}) => element('button', { class: 'fr-btn fr-btn--tertiary-no-outline fr-btn--sm', type: 'submit', ...attributes }, text);
    const post = (action, kind, control, fields = {}) => {
      const f = element('form', { method: 'post', action, 'data-action': kind });
      f.append(element('input', { type: 'hidden', name: 'csrf', value: csrf }));
      for (const [name, value] of Object.entries(fields)) f.append(element('input', { type: 'hidden', name, value }));
      f.append(control);
      return f;
    };
    const item = element('li', { class: 'chat-actions fr-mb-2w', 'data-for': String(m.id) });
    if (writes) {
      const group = element('ul', { class: 'fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm' });
      const entry = (child) => {
        const li = element('li');
        li.append(child);
        group.append(li);
      };
      const link = 'fr-btn fr-btn--tertiary-no-outline fr-btn--sm';
      entry(element('a', { class: link, href: `/salons/${id}?reponse=${m.id}#ecrire`, 'data-action': 'reply' }, 'Répondre'));
      if (mine) entry(element('a', { class: link, href: `${base}/modifier`, 'data-action': 'edit', 'data-body': m.body }, 'Modifier'));
      if (deletable) entry(post(`${base}/supprimer`, 'delete', button('Supprimer')));
      for (const emoji of reactions) {
        entry(post(`${base}/reactions`, 'react', button(emoji, { title: `Réagir avec ${emoji}` }), { emoji }));
      }
      item.append(group);
    } else if (moderates) {
      item.append(post(`${base}/supprimer`, 'delete', button('Retirer')));
    } else {
      return null;
    }
    return item;
  };

  const actionsOf = (messageId) => list.querySelector(`li.chat-actions[data-for="${messageId}"]`);

  const upsert = (m) => {
    rev = Math.max(rev, m.rev);
    const shown = render(m);
    const current = document.getElementById(`message-${m.id}`);
    if (current) {
      // An edit under way stays open, with what is typed, where the focus is.
      const editor = current.querySelector('.chat-edit');
      const focused = editor?.contains(document.activeElement) ? document.activeElement : null;
      const selection = focused && 'selectionStart' in focused ? [focused.selectionStart, focused.selectionEnd] : null;
      current.replaceWith(shown);
      if (editor && !m.deleted) {
        const text = shown.querySelector('.chat-body');
        text.hidden = true;
        text.after(editor);
        if (focused) {
          focused.focus();
          if (selection) focused.setSelectionRange(...selection);
        }
      } else if (focused) {
        shown.setAttribute('tabindex', '-1');
        shown.focus();
      }
      // The controls stay as they are (the focus with them) while the message lives; the
      // text to edit follows the message.
      const actions = actionsOf(m.id);
      if (m.deleted) {
        if (actions) {
          const hadFocus = actions.contains(document.activeElement);
          actions.remove();
          if (hadFocus) {
            shown.setAttribute('tabindex', '-1');
            shown.focus();
          }
        }
      } else if (actions) {
        actions.querySelector('a[data-action=edit]')?.setAttribute('data-body', m.body);
      } else {
        const added = controls(m);
        if (added) shown.after(added);
      }
      return;
    }
    document.getElementById('salon-vide')?.remove();
    list.append(shown);
    const added = controls(m);
    if (added) list.append(added);
    if (document.visibilityState === 'visible' && live()) {
      socket.send(JSON.stringify({ type: 'read', id: m.id }));
    }
  };

  const showError = (message) => {
    let error = document.getElementById('message-error');
    if (!error) {
      error = element('p', { class: 'fr-error-text', id: 'message-error' });
      body.after(error);
      body.setAttribute('aria-describedby', 'message-error');
    }
    error.textContent = message;
    body.closest('.fr-input-group').classList.add('fr-input-group--error');
  };

  const clearError = () => {
    document.getElementById('message-error')?.remove();
    body?.closest('.fr-input-group')?.classList.remove('fr-input-group--error');
  };

  // A refusal of a deletion or a reaction, said above the messages.
  const showAlert = (message) => {
    let alert = document.getElementById('salon-alerte');
    if (!alert) {
      alert = element('p', { class: 'fr-error-text', id: 'salon-alerte', role: 'alert' });
      status.after(alert);
    }
    alert.textContent = message;
  };
  const clearAlert = () => document.getElementById('salon-alerte')?.remove();

  // Mention suggestions: the people of the room, by name and handle, accents and case aside.
  const fold = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let people = [];
  try {
    people = JSON.parse(form?.dataset.members || '[]').map((p) => {
      const key = fold(p.name);
      return { ...p, key, words: key.split(/[^a-z0-9]+/).filter(Boolean) };
    });
  } catch {
    people = [];
  }
  const rank = (p, q) => {
    if (p.handle.startsWith(q) || p.key.startsWith(q)) return 0;
    if (p.words.some((w) => w.startsWith(q))) return 1;
    if (p.handle.includes(q) || p.key.includes(q)) return 2;
    return -1;
  };

  // Makes `field` a combobox (ARIA's pattern): typing `@` and letters opens a listbox of the
  // people who match; arrows move, Enter or Tab inserts, Escape closes; a click inserts too.
  const suggestMentions = (field) => {
    if (!people.length) return;
    const listId = `${field.id}-mentions`;
    const listbox = element('ul', { id: listId, role: 'listbox', class: 'tt-mentions', 'aria-label': 'Personnes à mentionner' });
    listbox.hidden = true;
    const said = element('p', { class: 'fr-sr-only', 'aria-live': 'polite' });
    field.setAttribute('role', 'combobox');
    field.setAttribute('aria-autocomplete', 'list');
    field.setAttribute('aria-controls', listId);
    field.setAttribute('aria-expanded', 'false');
    const group = field.closest('.fr-input-group') ?? field.parentElement;
    group.classList.add('tt-mentions-anchor');
    group.append(listbox, said);
    let matches = [];
    let active = -1;
    let start = -1;

    const close = () => {
      if (listbox.hidden) return;
      listbox.hidden = true;
      listbox.replaceChildren();
      field.setAttribute('aria-expanded', 'false');
      field.removeAttribute('aria-activedescendant');
      matches = [];
      active = -1;
    };
    const highlight = (index) => {
      active = index;
      [...listbox.children].forEach((option, i) => option.setAttribute('aria-selected', String(i === index)));
      const option = listbox.children[index];
      field.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    };
    // `@` and what follows up to the caret, when the server's parser would read it as a
    // mention (not after a letter or a digit: an address is no mention).
    const typed = () => {
      const caret = field.selectionStart;
      if (caret !== field.selectionEnd) return null;
      const found = field.value.slice(0, caret).match(/@([\p{L}\p{N}-]{1,40})$/u);
      if (!found) return null;
      const at = caret - found[0].length;
      if (at > 0 && /[A-Za-z0-9]|[^\x00-\x7f]/.test(field.value[at - 1])) return null;
      return { at, query: fold(found[1]) };
    };
    const update = () => {
      const found = typed();
      if (!found) { close(); return; }
      start = found.at;
      const before = matches.map((p) => p.handle).join(' ');
      matches = people
        .map((p) => [rank(p, found.query), p])
        .filter(([r]) => r >= 0)
        .sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name, 'fr'))
        .slice(0, 8)
        .map(([, p]) => p);
      if (!matches.length) { close(); return; }
      listbox.replaceChildren(...matches.map((p) => {
        const option = element('li', { id: `${listId}-${p.handle}`, role: 'option', class: 'tt-mentions__option', 'aria-selected': 'false' });
        option.append(element('span', { class: 'tt-mentions__name' }, p.name), ' ', element('span', { class: 'tt-mentions__handle' }, `@${p.handle}`));
        return option;
      }));
      listbox.hidden = false;
      field.setAttribute('aria-expanded', 'true');
      highlight(0);
      if (matches.map((p) => p.handle).join(' ') !== before) {
        const n = matches.length;
        said.textContent = `${n} personne${n > 1 ? 's' : ''} à mentionner : flèches pour choisir, Entrée pour insérer, Échap pour fermer.`;
      }
    };
    const choose = (index) => {
      const p = matches[index];
      if (!p) return;
      const caret = field.selectionStart;
      const space = /^\s/.test(field.value.slice(caret)) ? '' : ' ';
      field.setRangeText(`@${p.handle}${space}`, start, caret, 'end');
      close();
      said.textContent = `${p.name} mentionné(e).`;
      field.focus();
    };

    field.addEventListener('input', update);
    field.addEventListener('click', update);
    field.addEventListener('keyup', (event) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) update();
    });
    field.addEventListener('blur', close);
    field.addEventListener('keydown', (event) => {
      if (listbox.hidden || event.isComposing) return;
      switch (event.key) {
        case 'ArrowDown':
          event.preventDefault();
          highlight((active + 1) % matches.length);
          break;
        case 'ArrowUp':
          event.preventDefault();
          highlight((active - 1 + matches.length) % matches.length);
          break;
        case 'Enter':
        case 'Tab':
          if (event.shiftKey) { close(); return; }
          event.preventDefault();
          choose(active);
          break;
        case 'Escape':
          event.preventDefault();
          event.stopPropagation();
          close();
          break;
        default:
          break;
      }
    });
    // The field keeps the focus while one clicks an option.
    listbox.addEventListener('mousedown', (event) => event.preventDefault());
    listbox.addEventListener('click', (event) => {
      const option = event.target.closest('[role=option]');
      if (option) choose([...listbox.children].indexOf(option));
    });
  };

  // Editing a message in place: the edit page's form (it posts without the socket).
  const closeEditor = (messageId, focusBack) => {
    const item = document.getElementById(`message-${messageId}`);
    item?.querySelector('.chat-edit')?.remove();
    const text = item?.querySelector('.chat-body');
    if (text) text.hidden = false;
    if (focusBack) actionsOf(messageId)?.querySelector('a[data-action=edit]')?.focus();
  };

  const openEditor = (messageId, link) => {
    const item = document.getElementById(`message-${messageId}`);
    const text = item?.querySelector('.chat-body');
    if (!text) return false;
    const open = item.querySelector('.chat-edit textarea');
    if (open) { open.focus(); return true; }
    const editor = element('form', {
      method: 'post', action: `/salons/${id}/messages/${messageId}/modifier`, class: 'chat-edit fr-mb-1v', 'data-action': 'save', 'data-for': String(messageId),
    });
    editor.append(element('input', { type: 'hidden', name: 'csrf', value: csrf }));
    const group = element('div', { class: 'fr-input-group' });
    const fieldId = `modifier-${messageId}`;
    const field = element('textarea', { class: 'fr-input', id: fieldId, name: 'body', rows: '3' });
    field.value = link.dataset.body ?? text.textContent.trim();
    group.append(element('label', { class: 'fr-label', for: fieldId }, 'Modifier votre message'), field);
    editor.append(group);
    const buttons = element('ul', { class: 'fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm' });
    const save = element('li');
    save.append(element('button', { class: 'fr-btn fr-btn--sm', type: 'submit' }, 'Enregistrer'));
    const cancel = element('li');
    cancel.append(element('button', { class: 'fr-btn fr-btn--secondary fr-btn--sm', type: 'button', 'data-action': 'cancel' }, 'Annuler'));
    buttons.append(save, cancel);
    editor.append(buttons);
    editor.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        closeEditor(messageId, true);
      }
    });
    text.hidden = true;
    text.after(editor);
    suggestMentions(field);
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
    return true;
  };

  const editorError = (messageId, message) => {
    const editor = document.querySelector(`.chat-edit[data-for="${messageId}"]`);
    if (!editor) { showAlert(message); return; }
    const field = editor.querySelector('textarea');
    let error = editor.querySelector('.fr-error-text');
    if (!error) {
      error = element('p', { class: 'fr-error-text', id: `${field.id}-erreur` });
      field.after(error);
      field.setAttribute('aria-describedby', error.id);
    }
    error.textContent = message;
    editor.querySelector('.fr-input-group').classList.add('fr-input-group--error');
    field.focus();
  };

  // Replying in place: the box says to what, as the page does after « Répondre ».
  const startReply = (messageId) => {
    const item = document.getElementById(`message-${messageId}`);
    const reply = form?.querySelector('input[name=reply_to]');
    if (!item || !reply) return false;
    const author = item.querySelector('strong')?.textContent ?? 'un message';
    let excerpt = (item.querySelector('.chat-body')?.textContent ?? '').trim().replace(/\s+/g, ' ');
    if (excerpt.length > 140) excerpt = `${excerpt.slice(0, 140)}…`;
    reply.value = String(messageId);
    document.getElementById('reponse-a')?.remove();
    const note = element('p', { class: 'fr-text--sm', id: 'reponse-a' }, `En réponse à ${author} : « ${excerpt} » `);
    note.append(element('a', { href: `/salons/${id}#ecrire`, 'data-action': 'cancel-reply' }, 'annuler'));
    reply.after(note);
    body.focus();
    return true;
  };

  list.addEventListener('click', (event) => {
    const control = event.target.closest('[data-action]');
    if (!control || !list.contains(control)) return;
    const messageId = Number(control.closest('[data-for]')?.dataset.for);
    switch (control.dataset.action) {
      case 'reply':
        if (startReply(messageId)) event.preventDefault();
        break;
      case 'edit':
        if (openEditor(messageId, control)) event.preventDefault();
        break;
      case 'cancel':
        closeEditor(messageId, true);
        break;
      default:
        break;
    }
  });

  // The controls' forms go through the socket while it is open; otherwise the page posts them.
  list.addEventListener('submit', (event) => {
    const sent = event.target;
    const kind = sent.dataset.action;
    if (!live() || !['delete', 'react', 'save'].includes(kind)) return;
    event.preventDefault();
    const messageId = Number(sent.closest('[data-for]')?.dataset.for);
    const ref = nextRef();
    pending.set(ref, { kind, id: messageId });
    if (kind === 'delete') {
      socket.send(JSON.stringify({ type: 'delete', id: messageId, ref }));
    } else if (kind === 'react') {
      socket.send(JSON.stringify({ type: 'react', id: messageId, emoji: sent.querySelector('input[name=emoji]').value, ref }));
    } else {
      socket.send(JSON.stringify({ type: 'edit', id: messageId, body: sent.querySelector('textarea').value, ref }));
    }
  });

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/v1/rooms/${id}/ws?since=${rev}`);
    socket.addEventListener('open', () => {
      delay = 1000;
      status.textContent = 'Connecté : les messages arrivent en direct.';
    });
    socket.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data);
      switch (frame.type) {
        case 'hello': me = frame.you.id; break;
        case 'message': upsert(frame.message); break;
        case 'presence': {
          const others = frame.count - frame.online.length;
          const names = frame.online.map((p) => p.name).join(', ');
          present.textContent = !frame.count ? ''
            : others > 0 ? `En ligne : ${names} et ${others} autre${others > 1 ? 's' : ''}.` : `En ligne : ${names}.`;
          break;
        }
        case 'typing':
          if (frame.person.id !== me) {
            typing.textContent = `${frame.person.name} écrit…`;
            clearTimeout(typingTimer);
            typingTimer = setTimeout(() => { typing.textContent = ''; }, 4000);
          }
          break;
        case 'ack': {
          const waiting = frame.ref && pending.get(frame.ref);
          if (waiting) {
            pending.delete(frame.ref);
            clearAlert();
            if (waiting.kind === 'save') closeEditor(waiting.id, true);
          } else if (frame.ref && form.dataset.pending === frame.ref) {
            body.value = '';
            form.querySelector('input[name=reply_to]').value = '';
            document.getElementById('reponse-a')?.remove();
            delete form.dataset.pending;
            clearError();
          }
          break;
        }
        case 'error': {
          const waiting = frame.ref && pending.get(frame.ref);
          if (waiting) {
            pending.delete(frame.ref);
            if (waiting.kind === 'save') editorError(waiting.id, frame.message);
            else showAlert(frame.message);
          } else if (body) {
            showError(frame.message);
            delete form.dataset.pending;
          } else {
            showAlert(frame.message);
          }
          break;
        }
        default: break;
      }
    });
    socket.addEventListener('close', (event) => {
      status.textContent = event.code === 1008 ? event.reason : 'Connexion perdue ; nouvelle tentative dans un instant…';
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };

  if (form && body) {
    form.addEventListener('submit', (event) => {
      if (!live()) return; // the page posts it instead
      event.preventDefault();
      const text = body.value.trim();
      if (!text) { showError('Le message est obligatoire.'); return; }
      const ref = nextRef();
      form.dataset.pending = ref;
      const reply = Number(form.querySelector('input[name=reply_to]').value) || null;
      socket.send(JSON.stringify({ type: 'send', body: text, reply_to: reply, ref }));
    });
    form.addEventListener('click', (event) => {
      if (!event.target.closest('a[data-action=cancel-reply]')) return;
      event.preventDefault();
      form.querySelector('input[name=reply_to]').value = '';
      document.getElementById('reponse-a')?.remove();
      body.focus();
    });
    body.addEventListener('input', () => {
      if (live() && Date.now() - typingSent > 3000) {
        typingSent = Date.now();
        socket.send(JSON.stringify({ type: 'typing' }));
      }
    });
    suggestMentions(body);
  }
  connect();
}
