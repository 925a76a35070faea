// The observation grid, saved as it is typed: every change is sent (after a short pause) to
// `PUT /api/v1/visits/{id}/observation`; the page says when it was saved, or that it was not
// and that the text stays in the page (and in this browser) until the next try. A blank row
// is always ready at the end, and its minute fills in from the start of the session.
const form = document.getElementById('observation-grid');
if (form) {
  const id = form.dataset.visit;
  const rows = document.getElementById('observation-rows');
  const status = document.getElementById('observation-status');
  const notes = document.getElementById('observation-notes');
  const draftKey = `territoire-observation-${id}`;
  const opened = Date.now();
  const start = Number(form.dataset.start) * 1000 || 0;
  let timer;
  let saving = false;
  let again = false;

  const minuteNow = () => {
    const since = start && Date.now() >= start ? start : opened;
    return String(Math.max(0, Math.floor((Date.now() - since) / 60000)));
  };

  const collect = () => {
    const items = [];
    for (const row of rows.querySelectorAll('tr')) {
      const text = row.querySelector('[name=text]').value.trim();
      if (!text) continue;
      const at = row.querySelector('[name=at]').value.trim();
      items.push({ category: row.querySelector('[name=category]').value, text, at: at === '' ? null : Number(at) });
    }
    return { items, notes: notes.value };
  };

  const say = (text) => {
    status.textContent = text;
  };

  const save = async () => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    const body = collect();
    try {
      localStorage.setItem(draftKey, JSON.stringify(body));
    } catch {
      // Private browsing: the server copy is enough.
    }
    try {
      const response = await fetch(`/api/v1/visits/${id}/observation`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(body),
      });
      if (response.ok) {
        const time = new Date().toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' }).replace(':', ' h ');
        say(`Enregistré à ${time}`);
        try {
          localStorage.removeItem(draftKey);
        } catch {
          // Nothing kept.
        }
      } else {
        const error = await response.json().catch(() => ({}));
        say(`Non enregistré : ${error.message || response.statusText}. Votre saisie reste dans la page.`);
      }
    } catch {
      say('Non enregistré : pas de connexion. Votre saisie reste dans la page et sera envoyée à la prochaine modification.');
    } finally {
      saving = false;
      if (again) {
        again = false;
        save();
      }
    }
  };

  // A change waits for its save.
  const pending = () => {
    clearTimeout(timer);
    if (status.textContent !== 'Enregistrement…') say('Enregistrement…');
  };

  // A row's labels: "Élément n", or those of the blank row at the end.
  const label = (row, n) => {
    row.querySelector('[name=category]').setAttribute('aria-label', n ? `Catégorie de l'élément ${n}` : 'Catégorie du nouvel élément');
    row.querySelector('[name=text]').setAttribute('aria-label', n ? `Élément ${n}` : 'Nouvel élément');
    row.querySelector('[name=at]').setAttribute('aria-label', n ? `Minute de l'élément ${n}` : 'Minute du nouvel élément');
  };

  const blankRow = () => {
    const last = rows.lastElementChild;
    const copy = last.cloneNode(true);
    copy.querySelector('[name=text]').value = '';
    copy.querySelector('[name=at]').value = '';
    label(last, rows.children.length);
    label(copy, 0);
    rows.append(copy);
  };

  form.addEventListener('input', (event) => {
    const row = event.target.closest('tr');
    if (row && event.target.name === 'text' && event.target.value.trim()) {
      const at = row.querySelector('[name=at]');
      if (!at.value) at.value = minuteNow();
      if (row === rows.lastElementChild) blankRow();
    }
    pending();
    timer = setTimeout(save, 800);
  });
  form.addEventListener('change', () => {
    pending();
    timer = setTimeout(save, 300);
  });
  window.addEventListener('online', save);
  window.addEventListener('pagehide', () => {
    if (timer) save();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    save();
  });
}
