// A chat room, live: the room's page already reads and posts without JavaScript; this opens
// the room's socket, shows new and changed messages as they come, who is online and typing,
// and posts through the socket. After a cut, it resumes from the last revision it saw.
const room = document.getElementById('salon');
if (room) {
  const id = room.dataset.room;
  const list = document.getElementById('salon-messages');
  const status = document.getElementById('salon-etat');
  const present = document.getElementById('salon-presents');
  const typing = document.getElementById('salon-saisie');
  const form = document.getElementById('ecrire');
  const body = document.getElementById('message-body');
  let rev = Number(room.dataset.rev) || 0;
  let socket;
  let delay = 1000;
  let typingSent = 0;
  let typingTimer;
  let me = 0;
  let counter = 0;

  const date = (seconds) => new Date(seconds * 1000).toLocaleString('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).replace(':', ' h ');

  const element = (tag, attributes = {}, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
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
      const reactions = element('p', { class: 'fr-text--sm fr-mb-1v' });
      for (const r of m.reactions) {
        reactions.append(element('span', { class: `fr-tag fr-tag--sm${r.people.includes(me) ? ' chat-mine' : ''}` }, `${r.emoji} ${r.people.length}`), ' ');
      }
      item.append(reactions);
    }
    return item;
  };

  const upsert = (m) => {
    rev = Math.max(rev, m.rev);
    const shown = render(m);
    const current = document.getElementById(`message-${m.id}`);
    if (current) {
      current.replaceWith(shown);
      return;
    }
    document.getElementById('salon-vide')?.remove();
    list.append(shown);
    if (room.dataset.writes === 'true') {
      const actions = element('li', { class: 'chat-actions fr-mb-2w', 'data-for': String(m.id) });
      actions.append(element('a', { class: 'fr-btn fr-btn--tertiary-no-outline fr-btn--sm', href: `/salons/${id}?reponse=${m.id}#ecrire` }, 'Répondre'));
      list.append(actions);
    }
    if (document.visibilityState === 'visible' && socket && socket.readyState === WebSocket.OPEN) {
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
        case 'ack':
          if (frame.ref && form.dataset.pending === frame.ref) {
            body.value = '';
            form.querySelector('input[name=reply_to]').value = '';
            document.getElementById('reponse-a')?.remove();
            delete form.dataset.pending;
            clearError();
          }
          break;
        case 'error': showError(frame.message); delete form.dataset.pending; break;
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
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // the page posts it instead
      event.preventDefault();
      const text = body.value.trim();
      if (!text) { showError('Le message est obligatoire.'); return; }
      counter += 1;
      const ref = `m${Date.now()}-${counter}`;
      form.dataset.pending = ref;
      const reply = Number(form.querySelector('input[name=reply_to]').value) || null;
      socket.send(JSON.stringify({ type: 'send', body: text, reply_to: reply, ref }));
    });
    body.addEventListener('input', () => {
      if (socket && socket.readyState === WebSocket.OPEN && Date.now() - typingSent > 3000) {
        typingSent = Date.now();
        socket.send(JSON.stringify({ type: 'typing' }));
      }
    });
  }
  connect();
}
