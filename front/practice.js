// The form of a draft practice saves itself as it is written: after a pause, its fields are
// sent to the form's own address with `action=brouillon-auto` (the same fields and CSRF token
// as the button; the server answers JSON, saves a draft only — never publishing it — and
// refuses a published practice, whose every save makes a version). The page says, politely,
// when the draft was saved, or that it was not and that the text stays in the page. Until it
// is saved, a copy stays in this browser (localStorage): opened again, the page takes it back
// when the draft did not change on the server meanwhile, and offers it otherwise.
const form = document.getElementById('formulaire-pratique');
if (form && form.dataset.practice) {
  const status = document.getElementById('brouillon-statut');
  const offer = document.getElementById('brouillon-copie');
  const draftKey = `territoire-pratique-${form.dataset.practice}`;
  // When the draft was last saved (seconds since the epoch, as the server counts).
  let updated = Number(form.dataset.updated);
  let timer = null;
  let saving = false;
  let again = false;
  // The text was taken back from this browser's copy, and not saved yet.
  let restored = false;

  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  const clock = (at = new Date()) =>
    at.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' }).replace(':', ' h ');

  // What the form holds, as `[name, value]` pairs in the page's order (without its token).
  const fields = () =>
    [...new FormData(form)]
      .filter(([name]) => name !== 'csrf' && name !== 'action')
      .map(([name, value]) => [name, String(value)]);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  const read = () => {
    try {
      const copy = JSON.parse(localStorage.getItem(draftKey) ?? 'null');
      return copy && Array.isArray(copy.fields) ? copy : null;
    } catch {
      return null;
    }
  };
  const keep = (extra = {}) => {
    try {
      localStorage.setItem(draftKey, JSON.stringify({ fields: fields(), base: updated, at: Date.now(), ...extra }));
    } catch {
      // Private browsing or a full storage: the page still holds the text.
    }
  };
  const forget = () => {
    try {
      localStorage.removeItem(draftKey);
    } catch {
      // Nothing kept.
    }
  };

  // Puts a copy's values back in the form's fields.
  const restore = (pairs) => {
    for (const element of form.elements) {
      if (!element.name || element.name === 'csrf' || ['submit', 'button'].includes(element.type)) continue;
      const values = pairs.filter(([name]) => name === element.name).map(([, value]) => value);
      if (element.type === 'checkbox' || element.type === 'radio') element.checked = values.includes(element.value);
      else element.value = values[0] ?? '';
    }
  };

  // Why a save was refused, as a clause: the server's message, or its error page's.
  const reason = async (response, json) => {
    if (response.type === 'opaqueredirect' || response.status === 0) {
      return 'votre session a expiré ; reconnectez-vous dans un autre onglet, puis modifiez le texte pour l\'enregistrer';
    }
    let message = json?.message;
    if (!message) {
      const page = new DOMParser().parseFromString(await response.text().catch(() => ''), 'text/html');
      message = page.querySelector('#message-erreur')?.textContent?.trim();
    }
    if (!message) return `erreur ${response.status}`;
    message = message.replace(/[.\s]+$/, '');
    return /^.[a-zà-ÿ]/.test(message) ? message[0].toLowerCase() + message.slice(1) : message;
  };

  const save = async (leaving = false) => {
    clearTimeout(timer);
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    const sent = fields();
    keep();
    const body = new URLSearchParams(new FormData(form));
    body.set('action', 'brouillon-auto');
    say('Enregistrement du brouillon…');
    try {
      // Not `form.action`: its buttons, named `action`, would stand for it.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        credentials: 'same-origin',
        redirect: 'manual',
        keepalive: leaving,
        headers: { Accept: 'application/json' },
      });
      const json = (response.headers.get('content-type') ?? '').includes('application/json')
        ? await response.json().catch(() => null)
        : null;
      if (response.ok && json?.saved) {
        updated = Number(json.updated_at);
        // What was typed while the save was on its way stays kept until its own save.
        if (same(fields(), sent)) forget();
        else keep();
        say(`Brouillon enregistré à ${clock()}${restored ? ', avec le texte retrouvé dans ce navigateur' : ''}`);
        restored = false;
      } else {
        say(`Non enregistré : ${await reason(response, json)} ; votre texte reste dans la page`);
      }
    } catch {
      say('Non enregistré : pas de connexion ; votre texte reste dans la page, et dans ce navigateur, jusqu\'au prochain enregistrement');
    } finally {
      saving = false;
      if (again) {
        again = false;
        save();
      }
    }
  };

  const schedule = (delay) => {
    keep();
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };

  form.addEventListener('input', () => schedule(1500));
  form.addEventListener('change', () => schedule(500));
  // The buttons save (or preview) the whole form as without JavaScript: the copy is marked,
  // and forgotten next time if the draft changed on the server since.
  form.addEventListener('submit', () => {
    clearTimeout(timer);
    timer = null;
    keep({ submitted: true });
  });
  // Back online: what was kept is sent (not while an older copy waits for a decision).
  window.addEventListener('online', () => {
    if (read() && offer.hidden) save();
  });
  window.addEventListener('pagehide', () => {
    if (timer) save(true);
  });

  // A copy left by an earlier visit.
  const copy = read();
  if (copy) {
    if (same(copy.fields, fields()) || (copy.submitted && copy.base !== updated)) {
      forget();
    } else if (copy.base === updated) {
      // Nothing was saved since the copy was taken: it is the newest text.
      restore(copy.fields);
      restored = true;
      save();
    } else {
      const when = new Date(copy.at);
      const day = when.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long' });
      document.getElementById('brouillon-copie-texte').textContent =
        `Ce navigateur garde un texte de ce brouillon écrit le ${day} à ${clock(when)} et jamais enregistré ; le brouillon a été modifié ailleurs depuis. Reprendre ce texte remplace la version enregistrée.`;
      offer.hidden = false;
      const done = () => {
        offer.hidden = true;
        document.getElementById('title').focus();
      };
      document.getElementById('brouillon-copie-reprendre').addEventListener('click', () => {
        restore(copy.fields);
        restored = true;
        done();
        save();
      });
      document.getElementById('brouillon-copie-oublier').addEventListener('click', () => {
        forget();
        done();
        say('Texte gardé dans ce navigateur oublié : la version enregistrée reste');
      });
    }
  }
  document.getElementById('brouillon-consigne').hidden = false;
}
