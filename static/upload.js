// Uploads with a progress bar. Without JavaScript the same forms post normally.
for (const form of document.querySelectorAll('form[data-upload]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const progress = form.querySelector('progress');
    const status = form.querySelector('[data-upload-status]');
    const button = form.querySelector('button[type=submit]');
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      progress.value = percent;
      status.textContent = `Envoi : ${percent} %`;
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 400) {
        status.textContent = 'Fichier envoyé.';
        window.location.reload();
      } else {
        const page = new DOMParser().parseFromString(request.responseText, 'text/html');
        // The error page's own message (« Erreur 400 » above it says nothing to a person).
        const message = page.querySelector('#message-erreur');
        status.textContent = message ? message.textContent : `Échec de l'envoi (erreur ${request.status}).`;
        button.disabled = false;
      }
    });
    request.addEventListener('error', () => {
      status.textContent = "L'envoi a été interrompu : vérifiez votre connexion et recommencez.";
      button.disabled = false;
    });
    progress.hidden = false;
    button.disabled = true;
    status.textContent = 'Envoi : 0 %';
    request.send(new FormData(form));
  });
}
