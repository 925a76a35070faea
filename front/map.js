// The map of initiatives. The page already works without JavaScript (filters, and a table
// of the same data); this draws the map with Leaflet: the offline outlines of départements
// and communes served by the platform (or tiles, when configured), the clusters the server
// computes for the viewport, the list behind a cluster, the time slider that replays the
// deployment month by month, and the choropleth. The table follows the map as it moves.
import { map as leafletMap, tileLayer, geoJSON, layerGroup, marker, divIcon, popup, latLngBounds, control } from 'leaflet';

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const COLOURS = ['#e8edff', '#b1c0f0', '#7a93d9', '#4561b8', '#000091'];
const FRANCE = latLngBounds([41.2, -5.5], [51.3, 10.0]);

const container = document.getElementById('carte');
const form = document.getElementById('carte-filtres');

const monthLabel = (code) => {
  const [year, month] = code.split('-').map(Number);
  return `${MONTHS[month - 1]} ${year}`;
};

const monthsBetween = (first, last) => {
  const out = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
};

const element = (tag, text, attributes = {}) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
};

const number = (n) => new Intl.NumberFormat('fr-FR').format(n);

if (container && form) {
  container.replaceChildren();
  const params = new URLSearchParams(location.search);
  const map = leafletMap(container, { minZoom: 3, maxZoom: 18, zoomSnap: 1, zoomControl: false });
  control.zoom({ zoomInTitle: 'Zoom avant', zoomOutTitle: 'Zoom arrière' }).addTo(map);
  const bbox = (params.get('bbox') || '').split(',').map(Number);
  if (bbox.length === 4 && bbox.every(Number.isFinite)) {
    map.fitBounds(latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]));
  } else {
    map.fitBounds(FRANCE);
  }
  map.attributionControl.setPrefix('Contours : IGN Admin Express');
  if (container.dataset.tiles) {
    tileLayer(container.dataset.tiles, { attribution: container.dataset.attribution || '', maxZoom: 18 }).addTo(map);
  }

  const outline = { color: '#6a6af4', weight: 1, fillOpacity: 0, opacity: 0.7 };
  let departements;
  let communes;
  let communesLoading;
  let rates = null;
  const loadOutlines = async (name) => geoJSON(await (await fetch(`/carte/fonds/${name}.geojson`)).json(), { style: outline, interactive: false });
  loadOutlines('departements').then((layer) => { departements = layer.addTo(map); departements.bringToBack(); paint(); });
  const ensureCommunes = () => {
    communesLoading ??= loadOutlines('communes').then((layer) => { communes = layer; showCommunes(); paint(); });
    return communesLoading;
  };
  const showCommunes = () => {
    if (!communes) return;
    const wanted = map.getZoom() >= 8 || (rates && rates.level !== 'departement');
    if (wanted && !map.hasLayer(communes)) communes.addTo(map).bringToBack();
    if (!wanted && map.hasLayer(communes)) communes.remove();
  };

  const clusters = layerGroup().addTo(map);
  const legend = document.getElementById('carte-legende');
  const list = document.getElementById('carte-liste');
  const slider = document.getElementById('temps');
  const sliderBox = document.getElementById('carte-temps');
  const sliderLabel = document.getElementById('temps-mois');
  const play = document.getElementById('temps-lecture');
  const to = document.getElementById('to');
  const months = container.dataset.first && container.dataset.last ? monthsBetween(container.dataset.first, container.dataset.last) : [];

  // The filters of the form, the viewport of the map.
  const query = (withView = true) => {
    const q = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== '' && name !== 'bbox' && name !== 'zoom') q.append(name, value);
    }
    if (withView) {
      const b = map.getBounds();
      q.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(5)).join(','));
      q.set('zoom', String(map.getZoom()));
    }
    return q;
  };

  let controller;
  const refresh = async () => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const q = query();
    if (!q.has('layers')) {
      clusters.clearLayers();
      return;
    }
    history.replaceState(null, '', `/carte?${q}`);
    // Busy until the new table is in (the fragment comes without the attribute).
    const busy = (on) => document.getElementById('carte-tableau')?.setAttribute('aria-busy', String(on));
    busy(true);
    try {
      const [answer, table] = await Promise.all([
        fetch(`/api/v1/map/clusters?${q}`, { signal }),
        fetch(`/carte/tableau?${q}`, { signal }),
      ]);
      if (!answer.ok) throw new Error((await answer.json()).message);
      draw((await answer.json()).items);
      if (table.ok) document.getElementById('carte-tableau').outerHTML = await table.text();
      const level = q.get('level');
      rates = level ? await (await fetch(`/api/v1/map/choropleth?${q}`, { signal })).json() : null;
      if (rates && rates.level !== 'departement') await ensureCommunes();
      showCommunes();
      paint();
    } catch (error) {
      if (error.name !== 'AbortError') {
        busy(false);
        showError(error.message);
      }
    }
  };

  const showError = (message) => {
    list.hidden = false;
    list.replaceChildren(element('div', undefined, { class: 'fr-alert fr-alert--error fr-alert--sm', role: 'alert' }));
    list.firstChild.append(element('p', message || 'La carte n\'a pas pu être mise à jour.'));
  };

  const draw = (items) => {
    clusters.clearLayers();
    for (const item of items) {
      const size = Math.round(26 + 6 * Math.log10(item.count));
      const label = `${item.label}${item.places > 1 ? ` et ${item.places - 1} autre${item.places > 2 ? 's' : ''} lieu${item.places > 2 ? 'x' : ''}` : ''} : ${number(item.count)}`;
      const m = marker([item.latitude, item.longitude], {
        icon: divIcon({ className: 'tt-cluster', html: `<span>${number(item.count)}</span>`, iconSize: [size, size] }),
        keyboard: true,
        title: label,
      });
      m.on('click', () => open(item, m));
      m.on('add', () => {
        const node = m.getElement();
        node.setAttribute('role', 'button');
        node.setAttribute('aria-label', `${label} ; ouvrir la liste`);
      });
      m.addTo(clusters);
    }
  };

  // The list behind a cluster: in a popup, and in full below the map.
  const open = async (item, m) => {
    const q = query(false);
    q.set('bbox', item.cell.map((n) => n.toFixed(6)).join(','));
    const answer = await fetch(`/api/v1/map/places?${q}`);
    if (!answer.ok) return showError((await answer.json()).message);
    const { items, total } = await answer.json();
    const box = element('div');
    box.append(element('p', `${item.label} : ${number(total)} lieu${total > 1 ? 'x' : ''}`, { class: 'fr-text--bold fr-mb-1w' }));
    const ul = element('ul', undefined, { class: 'tt-map__places' });
    for (const place of items.slice(0, 8)) {
      const li = element('li');
      const name = place.uai ? element('a', place.name, { href: `/etablissements/${place.uai}` }) : element('span', place.name);
      li.append(name, ` (${place.commune}) : ${number(place.count)}`);
      ul.append(li);
    }
    box.append(ul, element('a', 'Toute la liste', { href: `/carte/lieux?${q}` }));
    popup({ maxWidth: 320 }).setLatLng(m.getLatLng()).setContent(box).openOn(map);
  };

  // The choropleth: five classes of the rate, from light to dark blue.
  const paint = () => {
    legend.hidden = !rates;
    const reset = (layer) => layer?.setStyle(outline);
    reset(departements);
    reset(communes);
    if (!rates) return;
    const values = rates.items.map((r) => r.per_hundred).filter((v) => v !== null).sort((a, b) => a - b);
    // Quintiles of the rates (fewer classes when values repeat).
    const breaks = [...new Set([1, 2, 3, 4].map((i) => values[Math.floor((i * values.length) / 5)] ?? 0))];
    const rate = (v) => v.toLocaleString('fr-FR', { maximumFractionDigits: v < 1 ? 2 : 1 });
    const colour = (v) => (v === null || v === undefined ? null : COLOURS[breaks.filter((b) => v > b).length]);
    const byCode = new Map();
    for (const r of rates.items) {
      if (rates.level === 'departement') byCode.set(r.code, r.per_hundred);
      else for (const c of r.communes) byCode.set(c, r.per_hundred);
    }
    const target = rates.level === 'departement' ? departements : communes;
    target?.setStyle((feature) => {
      const fill = colour(byCode.get(feature.properties.code));
      return fill ? { ...outline, fillColor: fill, fillOpacity: 0.6 } : outline;
    });
    legend.replaceChildren(element('p', 'Initiatives pour 100 personnels', { class: 'fr-text--bold fr-mb-1w' }));
    const ul = element('ul', undefined, { class: 'tt-legend' });
    [...breaks, null].forEach((upper, i) => {
      const key = element('span', undefined, { class: 'tt-legend__key', 'aria-hidden': 'true' });
      key.style.background = COLOURS[i];
      const li = element('li');
      li.append(key, upper === null ? `plus de ${rate(breaks.at(-1) ?? 0)}` : `jusqu'à ${rate(upper)}`);
      ul.append(li);
    });
    legend.append(ul, element('p', 'Zones de moins de 5 personnels : non coloriées. Le tableau ci-dessous donne chaque valeur.', { class: 'fr-text--sm' }));
  };

  // The time slider: everything up to the chosen month.
  if (months.length > 1) {
    sliderBox.hidden = false;
    slider.max = String(months.length - 1);
    const current = months.indexOf(to.value);
    slider.value = String(current >= 0 ? current : months.length - 1);
    const showMonth = () => {
      const code = months[Number(slider.value)];
      sliderLabel.textContent = `jusqu'à ${monthLabel(code)}`;
      slider.setAttribute('aria-valuetext', monthLabel(code));
      return code;
    };
    showMonth();
    let pending;
    slider.addEventListener('input', () => {
      to.value = showMonth();
      clearTimeout(pending);
      pending = setTimeout(refresh, 150);
    });
    let timer;
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
      play.textContent = 'Lecture';
      play.setAttribute('aria-pressed', 'false');
    };
    play.setAttribute('aria-pressed', 'false');
    play.addEventListener('click', () => {
      if (timer) return stop();
      if (Number(slider.value) >= months.length - 1) slider.value = '0';
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      const step = () => {
        to.value = showMonth();
        refresh();
        if (Number(slider.value) >= months.length - 1) return stop();
        slider.value = String(Number(slider.value) + 1);
      };
      step();
      timer = setInterval(step, 900);
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (months.length > 1) {
      const index = months.indexOf(to.value);
      slider.value = String(index >= 0 ? index : months.length - 1);
      sliderLabel.textContent = `jusqu'à ${monthLabel(months[Number(slider.value)])}`;
    }
    refresh();
  });
  form.addEventListener('change', (event) => {
    if (event.target !== to) refresh();
  });
  map.on('moveend', () => { showCommunes(); refresh(); });
  refresh();
}
