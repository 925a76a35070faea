// Choosing a new territory's establishments on a map. The form already works without
// JavaScript (search the directory, tick the results); this shows the establishments listed
// on a map of the offline outlines of the départements, where a click on a point ticks or
// unticks its box, and keeps the zone shown in the form, so that « Lister les établissements
// de la zone affichée » lists those inside it.
import { map as leafletMap, geoJSON, circleMarker, latLngBounds, control } from 'leaflet';

const block = document.getElementById('choix-carte-bloc');
const container = document.getElementById('choix-carte');
const zone = document.getElementById('zone');
const FRANCE = latLngBounds([41.2, -5.5], [51.3, 10.0]);

if (block && container && zone) {
  block.hidden = false;
  const map = leafletMap(container, { zoomControl: false, minZoom: 5, maxZoom: 16 });
  control.zoom({ zoomInTitle: 'Zoom avant', zoomOutTitle: 'Zoom arrière' }).addTo(map);
  map.attributionControl.setPrefix('Contours : IGN Admin Express');
  // The outlines of the départements, and of the communes once zoomed in.
  const outlines = (name) => fetch(`/carte/fonds/${name}.geojson`)
    .then((answer) => answer.json())
    .then((shapes) => geoJSON(shapes, { style: { color: '#6a6af4', weight: 1, fillOpacity: 0, opacity: 0.7 }, interactive: false }));
  outlines('departements').then((layer) => layer.addTo(map).bringToBack());
  let communes;
  const showCommunes = () => {
    if (map.getZoom() < 9) return;
    communes ??= outlines('communes').then((layer) => layer.addTo(map).bringToBack());
  };
  map.on('zoomend', showCommunes);

  // The zone the form sends: south, west, north, east.
  const keepZone = () => {
    const b = map.getBounds();
    zone.value = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map((n) => n.toFixed(5)).join(',');
  };
  map.on('moveend', keepZone);

  const style = (ticked) => ticked
    ? { radius: 8, color: '#000091', weight: 2, fillColor: '#000091', fillOpacity: 0.9 }
    : { radius: 7, color: '#000091', weight: 2, fillColor: '#ffffff', fillOpacity: 0.9 };
  const points = [];
  // Establishments placed at (nearly) the same spot — often their commune's centre — would
  // hide each other: at each zoom, the points closer than a click are drawn on a ring around
  // their spot, wide enough for every one to be clicked.
  const markers = [];
  for (const box of document.querySelectorAll('input[name=uai][data-place]')) {
    const [lat, lon] = box.dataset.place.split(',').map(Number);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const label = document.querySelector(`label[for="${box.id}"]`)?.textContent ?? box.value;
    const point = circleMarker([lat, lon], style(box.checked)).addTo(map);
    point.bindTooltip(label);
    point.on('click', () => {
      box.checked = !box.checked;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    });
    box.addEventListener('change', () => point.setStyle(style(box.checked)));
    points.push([lat, lon]);
    markers.push({ point, at: [lat, lon] });
  }
  const spread = () => {
    const placed = markers.map((m) => ({ ...m, xy: map.latLngToLayerPoint(m.at) }));
    const left = new Set(placed);
    for (const first of placed) {
      if (!left.has(first)) continue;
      const near = [...left].filter((m) => m.xy.distanceTo(first.xy) < 18);
      for (const m of near) left.delete(m);
      if (near.length === 1) {
        first.point.setLatLng(first.at);
        continue;
      }
      const radius = 10 + 3 * near.length;
      near.forEach((m, i) => {
        const angle = (2 * Math.PI * i) / near.length;
        m.point.setLatLng(map.layerPointToLatLng(first.xy.add([radius * Math.cos(angle), radius * Math.sin(angle)])));
      });
    }
  };
  map.on('zoomend', spread);

  // The zone listed last, else the establishments found, else France.
  const sent = zone.value.split(',').map(Number);
  if (container.dataset.action === 'zone' && sent.length === 4 && sent.every(Number.isFinite)) {
    map.fitBounds(latLngBounds([sent[0], sent[1]], [sent[2], sent[3]]));
  } else if (points.length) {
    map.fitBounds(latLngBounds(points).pad(0.2), { maxZoom: 14 });
  } else {
    map.fitBounds(FRANCE);
  }
  spread();
  showCommunes();
  keepZone();
}
