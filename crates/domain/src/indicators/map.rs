//! The map of initiatives: what stands where and since when, clustered for any viewport and
//! zoom, replayed month by month, and coloured by commune, circonscription or département.
//!
//! The facts are loaded once from the database (`store::indicators::map`) and kept in memory:
//! a viewport of the national set (66,000 establishments, a million practices) is one pass
//! over compact arrays. Private and draft practices are never loaded; visits are only ever
//! shown as sums of groups of at least [`SMALL_GROUP`], so that no number on the map, in its
//! table or in the choropleth points at one visit.

use std::collections::HashMap;

use crate::directory::EstablishmentKind;
use crate::practices::Visibility;
use crate::practices::vocab::Vocabulary;

use super::Month;

pub use crate::training::demand::SMALL_GROUP;

/// The layers of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Establishments,
    Practices,
    Trials,
    Visits,
    Networks,
    Events,
}

pub const LAYERS: [Layer; 6] = [
    Layer::Establishments,
    Layer::Practices,
    Layer::Trials,
    Layer::Visits,
    Layer::Networks,
    Layer::Events,
];

impl Layer {
    pub fn code(self) -> &'static str {
        match self {
            Self::Establishments => "etablissements",
            Self::Practices => "pratiques",
            Self::Trials => "essais",
            Self::Visits => "visites",
            Self::Networks => "reseaux",
            Self::Events => "evenements",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        LAYERS.into_iter().find(|l| l.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Establishments => "Établissements",
            Self::Practices => "Pratiques publiées",
            Self::Trials => "« J'ai essayé »",
            Self::Visits => "Visites réalisées",
            Self::Networks => "Territoires et réseaux",
            Self::Events => "Événements",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    fn bit(self) -> u8 {
        1 << self.index()
    }
}

/// A set of layers, written `pratiques,essais` in addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers(u8);

impl Layers {
    pub fn all() -> Self {
        Self(LAYERS.iter().fold(0, |bits, l| bits | l.bit()))
    }

    pub fn of(layers: &[Layer]) -> Self {
        Self(layers.iter().fold(0, |bits, l| bits | l.bit()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut bits = 0;
        for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let layer = Layer::from_code(code).ok_or_else(|| {
                format!(
                    "couche « {code} » inconnue ({})",
                    LAYERS.map(Layer::code).join(", ")
                )
            })?;
            bits |= layer.bit();
        }
        if bits == 0 {
            return Err("choisissez au moins une couche".to_owned());
        }
        Ok(Self(bits))
    }

    pub fn contains(self, layer: Layer) -> bool {
        self.0 & layer.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Layer> {
        LAYERS.into_iter().filter(move |l| self.contains(*l))
    }

    pub fn code(self) -> String {
        self.iter().map(Layer::code).collect::<Vec<_>>().join(",")
    }
}

/// The tags a map filter may ask for (theme: a discipline or a dispositif; skill: a
/// competence of the 21st century), each a bit of a fact's tag mask.
const FILTER_VOCABULARIES: [Vocabulary; 3] = [
    Vocabulary::Subject,
    Vocabulary::Dispositif,
    Vocabulary::Skill,
];

/// The bit of a tag in a fact's mask, if the map filters on it.
pub fn tag_bit(vocabulary: Vocabulary, code: &str) -> Option<u64> {
    let mut index = 0u32;
    for v in FILTER_VOCABULARIES {
        for (c, _) in v.terms() {
            if v == vocabulary && *c == code {
                return 1u64.checked_shl(index);
            }
            index += 1;
        }
    }
    None
}

/// The themes the filter offers: `(value, label)`, value `subject:francais`.
pub fn themes() -> Vec<(String, String)> {
    [Vocabulary::Subject, Vocabulary::Dispositif]
        .into_iter()
        .flat_map(|v| {
            v.terms()
                .iter()
                .map(move |(c, l)| (format!("{}:{c}", v.code()), (*l).to_owned()))
        })
        .collect()
}

/// Parses a theme (`subject:francais`, `dispositif:…`) into its bit.
pub fn theme_bit(value: &str) -> Result<u64, String> {
    value
        .split_once(':')
        .and_then(|(v, c)| {
            Vocabulary::from_code(v)
                .filter(|v| matches!(v, Vocabulary::Subject | Vocabulary::Dispositif))
                .and_then(|v| tag_bit(v, c))
        })
        .ok_or_else(|| format!("thème « {value} » inconnu"))
}

/// Parses a skill code into its bit.
pub fn skill_bit(code: &str) -> Result<u64, String> {
    tag_bit(Vocabulary::Skill, code).ok_or_else(|| format!("compétence « {code} » inconnue"))
}

/// A longitude–latitude rectangle: `west,south,east,north`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    /// Metropolitan France and Corsica.
    pub const FRANCE: Self = Self {
        west: -5.5,
        south: 41.2,
        east: 10.0,
        north: 51.3,
    };

    pub const WORLD: Self = Self {
        west: -180.0,
        south: -90.0,
        east: 180.0,
        north: 90.0,
    };

    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "cadre « {text} » invalide : quatre nombres ouest,sud,est,nord en degrés (par exemple 1.5,50.1,3.2,51.1)"
            )
        };
        let numbers: Vec<f64> = text
            .split(',')
            .map(|n| n.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let [west, south, east, north] = numbers[..] else {
            return Err(bad());
        };
        let bbox = Self {
            west: west.max(-180.0),
            south: south.max(-90.0),
            east: east.min(180.0),
            north: north.min(90.0),
        };
        if [west, south, east, north].iter().any(|n| !n.is_finite())
            || bbox.west > bbox.east
            || bbox.south > bbox.north
        {
            return Err(bad());
        }
        Ok(bbox)
    }

    pub fn contains(&self, latitude: f64, longitude: f64) -> bool {
        (self.south..=self.north).contains(&latitude)
            && (self.west..=self.east).contains(&longitude)
    }

    pub fn code(&self) -> String {
        format!(
            "{:.5},{:.5},{:.5},{:.5}",
            self.west, self.south, self.east, self.north
        )
    }
}

/// The deepest zoom the map asks for (Leaflet's 0 to 20).
pub const MAX_ZOOM: u8 = 20;

/// The side of a cluster's cell on screen, in pixels.
const CELL_PX: f64 = 60.0;

/// Web Mercator, from 0 to 1 across the world (Leaflet's and the tiles' projection).
fn mercator(latitude: f64, longitude: f64) -> (f64, f64) {
    let lat = latitude.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (longitude + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x, y)
}

fn inverse_mercator(x: f64, y: f64) -> (f64, f64) {
    let longitude = x * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y);
    let latitude = n.sinh().atan().to_degrees();
    (latitude, longitude)
}

/// A commune (or an establishment's commune missing from the reference list).
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: String,
    pub name: String,
    /// Index in [`MapData::departements`].
    pub departement: u32,
    pub population: u32,
    pub latitude: f64,
    pub longitude: f64,
}

/// A département or a circonscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: String,
    pub name: String,
}

/// An establishment with its coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: i64,
    pub uai: String,
    pub name: String,
    pub kind: EstablishmentKind,
    pub latitude: f64,
    pub longitude: f64,
    /// Index in [`MapData::communes`].
    pub commune: u32,
    /// Index in [`MapData::circonscriptions`] (1er degré).
    pub circonscription: Option<u32>,
    /// The people attached to it.
    pub staff: u32,
}

/// Something that happened at a place in a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    /// Index in [`MapData::places`].
    pub place: u32,
    pub month: Month,
    pub layer: Layer,
    /// Of the practice (practices and trials); `Public` for the other layers.
    pub visibility: Visibility,
    /// The territory of a practice seen by that territory's members only.
    pub territory: u32,
    /// The practice's tags, as [`tag_bit`]s.
    pub tags: u64,
    /// The observatory of a visit.
    pub observatory: u32,
}

/// An id as a fact keeps it (ids of territories and observatories stay far below 2³²).
pub fn small_id(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

/// Everything the map draws.
#[derive(Debug, Clone, Default)]
pub struct MapData {
    pub places: Vec<Place>,
    pub communes: Vec<Commune>,
    pub departements: Vec<Area>,
    pub circonscriptions: Vec<Area>,
    pub facts: Vec<Fact>,
    /// The places of each territory, sorted.
    pub territories: HashMap<i64, Vec<u32>>,
    /// The circonscription most of a commune's schools belong to, by commune.
    commune_circonscription: Vec<Option<u32>>,
    /// The centre of each département (its communes' mean, weighted by population when
    /// known).
    departement_centres: Vec<(f64, f64)>,
    /// Each place in Web Mercator, once for all.
    projected: Vec<(f64, f64)>,
}

impl MapData {
    pub fn new(
        places: Vec<Place>,
        communes: Vec<Commune>,
        departements: Vec<Area>,
        circonscriptions: Vec<Area>,
        territories: HashMap<i64, Vec<u32>>,
    ) -> Self {
        let mut votes: Vec<HashMap<u32, u32>> = vec![HashMap::new(); communes.len()];
        for place in &places {
            if let (Some(circo), Some(v)) =
                (place.circonscription, votes.get_mut(place.commune as usize))
            {
                *v.entry(circo).or_default() += 1;
            }
        }
        let commune_circonscription = votes
            .into_iter()
            .map(|v| {
                v.into_iter()
                    .max_by_key(|(circo, n)| (*n, std::cmp::Reverse(*circo)))
                    .map(|(c, _)| c)
            })
            .collect();
        let mut sums = vec![(0.0, 0.0, 0.0); departements.len()];
        for c in &communes {
            if let Some(s) = sums.get_mut(c.departement as usize) {
                *s = (s.0 + c.latitude, s.1 + c.longitude, s.2 + 1.0);
            }
        }
        let departement_centres = sums
            .into_iter()
            .map(|(lat, lon, n)| {
                if n > 0.0 {
                    (lat / n, lon / n)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect();
        let territories = territories
            .into_iter()
            .map(|(t, mut p)| {
                p.sort_unstable();
                p.dedup();
                (t, p)
            })
            .collect();
        let projected = places
            .iter()
            .map(|p| mercator(p.latitude, p.longitude))
            .collect();
        Self {
            places,
            communes,
            departements,
            circonscriptions,
            facts: Vec::new(),
            territories,
            commune_circonscription,
            departement_centres,
            projected,
        }
    }

    /// The place an event of the territory is drawn at: its establishment nearest to their
    /// centre.
    pub fn territory_anchor(&self, territory: i64) -> Option<u32> {
        let places = self.territories.get(&territory)?;
        let n = places.len() as f64;
        let (lat, lon) = places.iter().fold((0.0, 0.0), |(a, b), p| {
            let p = &self.places[*p as usize];
            (a + p.latitude / n, b + p.longitude / n)
        });
        places.iter().copied().min_by(|a, b| {
            let d = |p: u32| {
                let p = &self.places[p as usize];
                (p.latitude - lat).powi(2) + (p.longitude - lon).powi(2)
            };
            d(*a).total_cmp(&d(*b))
        })
    }

    /// The first and last months anything happened, planned events included.
    pub fn months(&self) -> Option<(Month, Month)> {
        let first = self.facts.iter().map(|f| f.month).min()?;
        let last = self.facts.iter().map(|f| f.month).max()?;
        Some((first, last))
    }

    /// The first and last months of the time slider: those of [`Self::months`], but never
    /// past `now`, the current month (events planned for later are not yet part of the
    /// deployment).
    pub fn slider_months(&self, now: Month) -> Option<(Month, Month)> {
        let (first, last) = self.months()?;
        let last = last.min(now);
        Some((first.min(last), last))
    }

    fn commune_of(&self, place: &Place) -> Option<&Commune> {
        self.communes.get(place.commune as usize)
    }
}

/// Who looks at the map: what practices they may count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Viewer {
    pub signed_in: bool,
    /// The territories they are a member of.
    pub territories: Vec<i64>,
}

impl Viewer {
    fn sees(&self, fact: &Fact) -> bool {
        match fact.visibility {
            Visibility::Public => true,
            Visibility::Platform => self.signed_in,
            Visibility::Territory => {
                self.signed_in && self.territories.contains(&i64::from(fact.territory))
            }
            Visibility::Private => false,
        }
    }
}

/// What the map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    pub layers: Layers,
    /// Establishments of this kind only.
    pub kind: Option<EstablishmentKind>,
    /// Practices and trials with this theme (a [`theme_bit`]).
    pub theme: Option<u64>,
    /// Practices and trials with this skill (a [`skill_bit`]).
    pub skill: Option<u64>,
    /// Visits of this observatory.
    pub observatory: Option<i64>,
    /// Establishments of this territory only.
    pub territory: Option<i64>,
    pub from: Option<Month>,
    pub to: Option<Month>,
}

impl Default for Filters {
    fn default() -> Self {
        Self {
            layers: Layers::of(&[Layer::Practices, Layer::Trials]),
            kind: None,
            theme: None,
            skill: None,
            observatory: None,
            territory: None,
            from: None,
            to: None,
        }
    }
}

/// Counts by layer.
pub type Counts = [u32; LAYERS.len()];

fn total(counts: &Counts) -> u64 {
    counts.iter().map(|c| u64::from(*c)).sum()
}

/// A visit group: the visits of a commune (at least [`SMALL_GROUP`]), or those of a
/// département's other communes together (at least as many).
#[derive(Debug, Clone, PartialEq)]
struct VisitGroup {
    label: String,
    population: u32,
    latitude: f64,
    longitude: f64,
    count: u32,
}

impl Filters {
    fn fact_passes(&self, viewer: &Viewer, fact: &Fact) -> bool {
        if !self.layers.contains(fact.layer)
            || self.from.is_some_and(|f| fact.month < f)
            || self.to.is_some_and(|t| fact.month > t)
        {
            return false;
        }
        match fact.layer {
            Layer::Practices | Layer::Trials => {
                viewer.sees(fact)
                    && self.theme.is_none_or(|b| fact.tags & b != 0)
                    && self.skill.is_none_or(|b| fact.tags & b != 0)
            }
            Layer::Visits => self
                .observatory
                .is_none_or(|o| o == i64::from(fact.observatory)),
            Layer::Establishments | Layer::Networks | Layer::Events => true,
        }
    }

    /// The places the kind and territory filters keep.
    fn places(&self, data: &MapData) -> Vec<bool> {
        let mut mask: Vec<bool> = data
            .places
            .iter()
            .map(|p| self.kind.is_none_or(|k| k == p.kind))
            .collect();
        if let Some(t) = self.territory {
            let mut inside = vec![false; data.places.len()];
            for p in data.territories.get(&t).into_iter().flatten() {
                if let Some(m) = inside.get_mut(*p as usize) {
                    *m = true;
                }
            }
            for (m, i) in mask.iter_mut().zip(inside) {
                *m &= i;
            }
        }
        mask
    }
}

/// The counts of every place (visits aside), and the visit groups.
struct Tally {
    places: Vec<Counts>,
    visits: Vec<VisitGroup>,
}

/// Counts what the filters keep: every layer but visits at the places of the viewport;
/// visits over the filters' whole area (their groups never depend on the viewport, so that
/// moving the map never tells a group's count apart), kept when their group is in view.
fn tally(data: &MapData, viewer: &Viewer, filters: &Filters, bbox: Option<&BBox>) -> Tally {
    let area = filters.places(data);
    let view: Vec<bool> = match bbox {
        Some(b) => area
            .iter()
            .zip(&data.places)
            .map(|(a, p)| *a && b.contains(p.latitude, p.longitude))
            .collect(),
        None => area.clone(),
    };
    let mut places = vec![Counts::default(); data.places.len()];
    if filters.layers.contains(Layer::Establishments) {
        for (counts, shown) in places.iter_mut().zip(&view) {
            if *shown {
                counts[Layer::Establishments.index()] = 1;
            }
        }
    }
    let mut commune_visits: HashMap<u32, u32> = HashMap::new();
    for fact in &data.facts {
        let place = fact.place as usize;
        if fact.layer == Layer::Visits {
            if area.get(place).copied().unwrap_or(false)
                && filters.fact_passes(viewer, fact)
                && let Some(p) = data.places.get(place)
            {
                *commune_visits.entry(p.commune).or_default() += 1;
            }
        } else if view.get(place).copied().unwrap_or(false)
            && filters.fact_passes(viewer, fact)
            && let Some(counts) = places.get_mut(place)
        {
            counts[fact.layer.index()] += 1;
        }
    }
    let mut visits = visit_groups(data, commune_visits);
    if let Some(b) = bbox {
        visits.retain(|g| b.contains(g.latitude, g.longitude));
    }
    Tally { places, visits }
}

/// The small-group rule for visits: a commune with fewer than [`SMALL_GROUP`] visits is not
/// shown on its own; its visits join the other such communes of its département, shown
/// together when they are at least as many, not at all otherwise.
fn visit_groups(data: &MapData, by_commune: HashMap<u32, u32>) -> Vec<VisitGroup> {
    let mut groups = Vec::new();
    let mut rest: HashMap<u32, u32> = HashMap::new();
    let mut communes: Vec<(u32, u32)> = by_commune.into_iter().collect();
    communes.sort_unstable();
    for (commune, count) in communes {
        let Some(c) = data.communes.get(commune as usize) else {
            continue;
        };
        if count as usize >= SMALL_GROUP {
            groups.push(VisitGroup {
                label: c.name.clone(),
                population: c.population,
                latitude: c.latitude,
                longitude: c.longitude,
                count,
            });
        } else {
            *rest.entry(c.departement).or_default() += count;
        }
    }
    let mut rest: Vec<(u32, u32)> = rest.into_iter().collect();
    rest.sort_unstable();
    for (departement, count) in rest {
        if (count as usize) < SMALL_GROUP {
            continue;
        }
        let (Some(d), Some((latitude, longitude))) = (
            data.departements.get(departement as usize),
            data.departement_centres.get(departement as usize),
        ) else {
            continue;
        };
        groups.push(VisitGroup {
            label: format!("{} (autres communes)", d.name),
            population: 0,
            latitude: *latitude,
            longitude: *longitude,
            count,
        });
    }
    groups
}

/// A cluster of the map: where it is drawn, what it counts, and its cell (the list behind it
/// is the places of that rectangle).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub latitude: f64,
    pub longitude: f64,
    pub count: u64,
    pub counts: Counts,
    /// The establishments and visit groups in it.
    pub places: u32,
    /// Where it is: its most populous commune.
    pub label: String,
    pub cell: BBox,
}

#[derive(Default, Clone)]
struct Accumulator {
    lat: f64,
    lon: f64,
    weight: f64,
    counts: Counts,
    places: u32,
    /// The most populous commune's population, and where its name is.
    label: Option<(u32, Label)>,
}

/// Where a cluster's name comes from, read once the cluster is made.
#[derive(Clone, Copy)]
enum Label {
    Place(usize),
    Visits(usize),
}

impl Accumulator {
    fn add(
        &mut self,
        latitude: f64,
        longitude: f64,
        counts: &Counts,
        (population, label): (u32, Label),
    ) {
        let weight = total(counts);
        self.lat += latitude * weight as f64;
        self.lon += longitude * weight as f64;
        self.weight += weight as f64;
        for (sum, c) in self.counts.iter_mut().zip(counts) {
            *sum += c;
        }
        self.places += 1;
        if self.label.is_none_or(|(p, _)| population > p) {
            self.label = Some((population, label));
        }
    }
}

/// The cells of a viewport: an array when it holds few (a screen holds a few hundred), a
/// map otherwise (a huge box asked at a deep zoom).
struct Grid {
    origin: (i64, i64),
    width: i64,
    dense: Vec<Option<Accumulator>>,
    sparse: HashMap<(i64, i64), Accumulator>,
}

impl Grid {
    const DENSE_CELLS: i64 = 1 << 16;

    fn new(first: (i64, i64), last: (i64, i64)) -> Self {
        let (width, height) = (last.0 - first.0 + 1, last.1 - first.1 + 1);
        let dense = if width > 0 && height > 0 && width.saturating_mul(height) <= Self::DENSE_CELLS
        {
            vec![None; (width * height) as usize]
        } else {
            Vec::new()
        };
        Self {
            origin: first,
            width,
            dense,
            sparse: HashMap::new(),
        }
    }

    fn at(&mut self, (cx, cy): (i64, i64)) -> &mut Accumulator {
        let (dx, dy) = (cx - self.origin.0, cy - self.origin.1);
        let index = dy * self.width + dx;
        if dx >= 0 && dy >= 0 && dx < self.width && (index as usize) < self.dense.len() {
            return self.dense[index as usize].get_or_insert_with(Accumulator::default);
        }
        self.sparse.entry((cx, cy)).or_default()
    }

    fn into_cells(self) -> Vec<((i64, i64), Accumulator)> {
        let (origin, width) = (self.origin, self.width.max(1));
        let mut cells: Vec<((i64, i64), Accumulator)> = self
            .dense
            .into_iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let i = i as i64;
                a.map(|a| ((origin.0 + i % width, origin.1 + i / width), a))
            })
            .collect();
        cells.extend(self.sparse);
        cells
    }
}

/// The clusters of a viewport at a zoom: the points falling in one cell of about 60 pixels of
/// the grid of that zoom (anchored on the world, so that a cluster stays put when the map
/// moves) make one cluster, drawn at their weighted centre; a single place is a cluster of
/// its own. Biggest first.
pub fn clusters(
    data: &MapData,
    viewer: &Viewer,
    filters: &Filters,
    bbox: &BBox,
    zoom: u8,
) -> Vec<Cluster> {
    let tally = tally(data, viewer, filters, Some(bbox));
    let scale = f64::from(1u32 << zoom.min(MAX_ZOOM)) * 256.0 / CELL_PX;
    let cell = |(x, y): (f64, f64)| ((x * scale).floor() as i64, (y * scale).floor() as i64);
    let mut grid = Grid::new(
        cell(mercator(bbox.north, bbox.west)),
        cell(mercator(bbox.south, bbox.east)),
    );
    for (i, (place, counts)) in data.places.iter().zip(&tally.places).enumerate() {
        if total(counts) == 0 {
            continue;
        }
        let population = data.commune_of(place).map_or(0, |c| c.population);
        let projected = data
            .projected
            .get(i)
            .copied()
            .unwrap_or_else(|| mercator(place.latitude, place.longitude));
        grid.at(cell(projected)).add(
            place.latitude,
            place.longitude,
            counts,
            (population, Label::Place(i)),
        );
    }
    for (i, group) in tally.visits.iter().enumerate() {
        let mut counts = Counts::default();
        counts[Layer::Visits.index()] = group.count;
        grid.at(cell(mercator(group.latitude, group.longitude)))
            .add(
                group.latitude,
                group.longitude,
                &counts,
                (group.population, Label::Visits(i)),
            );
    }
    let cells = grid.into_cells();
    let mut clusters: Vec<((i64, i64), Cluster)> = cells
        .into_iter()
        .map(|((cx, cy), acc)| {
            let (north, west) = inverse_mercator(cx as f64 / scale, cy as f64 / scale);
            let (south, east) = inverse_mercator((cx + 1) as f64 / scale, (cy + 1) as f64 / scale);
            let cluster = Cluster {
                latitude: acc.lat / acc.weight,
                longitude: acc.lon / acc.weight,
                count: total(&acc.counts),
                counts: acc.counts,
                places: acc.places,
                label: match acc.label {
                    Some((_, Label::Place(i))) => data
                        .places
                        .get(i)
                        .map(|p| {
                            data.commune_of(p)
                                .map_or(p.name.clone(), |c| c.name.clone())
                        })
                        .unwrap_or_default(),
                    Some((_, Label::Visits(i))) => tally
                        .visits
                        .get(i)
                        .map(|g| g.label.clone())
                        .unwrap_or_default(),
                    None => String::new(),
                },
                cell: BBox {
                    west,
                    south,
                    east,
                    north,
                },
            };
            ((cx, cy), cluster)
        })
        .collect();
    clusters.sort_by(|(ka, a), (kb, b)| b.count.cmp(&a.count).then(ka.cmp(kb)));
    clusters.into_iter().map(|(_, c)| c).collect()
}

/// One line of the list behind a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceLine {
    /// The establishment, absent for a visit group.
    pub uai: Option<String>,
    pub name: String,
    pub commune: String,
    pub counts: Counts,
}

/// The places of a rectangle (a cluster's cell), biggest first, at most `limit`; and how
/// many there are in all.
pub fn places(
    data: &MapData,
    viewer: &Viewer,
    filters: &Filters,
    bbox: &BBox,
    limit: usize,
) -> (Vec<PlaceLine>, usize) {
    let tally = tally(data, viewer, filters, Some(bbox));
    let mut lines: Vec<PlaceLine> = data
        .places
        .iter()
        .zip(&tally.places)
        .filter(|(_, c)| total(c) > 0)
        .map(|(p, counts)| PlaceLine {
            uai: Some(p.uai.clone()),
            name: p.name.clone(),
            commune: data
                .commune_of(p)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            counts: *counts,
        })
        .collect();
    lines.extend(
        tally
            .visits
            .iter()
            .filter(|g| bbox.contains(g.latitude, g.longitude))
            .map(|g| {
                let mut counts = Counts::default();
                counts[Layer::Visits.index()] = g.count;
                PlaceLine {
                    uai: None,
                    name: "Visites".to_owned(),
                    commune: g.label.clone(),
                    counts,
                }
            }),
    );
    lines.sort_by(|a, b| {
        total(&b.counts)
            .cmp(&total(&a.counts))
            .then_with(|| a.name.cmp(&b.name))
    });
    let all = lines.len();
    lines.truncate(limit);
    (lines, all)
}

/// The areas of a choropleth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Commune,
    Circonscription,
    Departement,
}

impl Level {
    pub const ALL: [Self; 3] = [Self::Commune, Self::Circonscription, Self::Departement];

    pub fn code(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Circonscription => "circonscription",
            Self::Departement => "departement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Commune => "Commune",
            Self::Circonscription => "Circonscription (1er degré)",
            Self::Departement => "Département",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| {
                format!("échelle « {code} » inconnue (commune, circonscription ou departement)")
            })
    }
}

/// The initiatives of an area for every 100 of its staff.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub code: String,
    pub name: String,
    /// Practices published and « J'ai essayé » there.
    pub initiatives: u64,
    pub staff: u64,
    /// Absent when fewer than [`SMALL_GROUP`] people work there (a rate on so few says
    /// nothing).
    pub per_hundred: Option<f64>,
    /// The communes drawn in its colour (the outlines the map has are the communes'); for a
    /// circonscription, those most of whose schools belong to it.
    pub communes: Vec<String>,
}

/// The choropleth: initiatives (practices published and « J'ai essayé », with the filters'
/// period, theme, skill, kind and territory) per 100 staff, by area; the areas with staff or
/// initiatives, highest rate first.
pub fn choropleth(data: &MapData, viewer: &Viewer, filters: &Filters, level: Level) -> Vec<Rate> {
    let filters = Filters {
        layers: Layers::of(&[Layer::Practices, Layer::Trials]),
        ..filters.clone()
    };
    let tally = tally(data, viewer, &filters, None);
    let area = filters.places(data);
    let area_count = match level {
        Level::Commune => data.communes.len(),
        Level::Circonscription => data.circonscriptions.len(),
        Level::Departement => data.departements.len(),
    };
    let mut sums = vec![(0u64, 0u64); area_count];
    for ((place, counts), _) in data
        .places
        .iter()
        .zip(&tally.places)
        .zip(&area)
        .filter(|(_, kept)| **kept)
    {
        let area = match level {
            Level::Commune => Some(place.commune),
            Level::Circonscription => place.circonscription,
            Level::Departement => data.commune_of(place).map(|c| c.departement),
        };
        if let Some(sum) = area.and_then(|a| sums.get_mut(a as usize)) {
            sum.0 += total(counts);
            sum.1 += u64::from(place.staff);
        }
    }
    let mut communes_of: Vec<Vec<String>> = vec![Vec::new(); area_count];
    for (i, commune) in data.communes.iter().enumerate() {
        let area = match level {
            Level::Commune => Some(i as u32),
            Level::Circonscription => data.commune_circonscription.get(i).copied().flatten(),
            Level::Departement => Some(commune.departement),
        };
        if let Some(list) = area.and_then(|a| communes_of.get_mut(a as usize)) {
            list.push(commune.code.clone());
        }
    }
    let area = |i: usize| -> Option<(String, String)> {
        match level {
            Level::Commune => data
                .communes
                .get(i)
                .map(|c| (c.code.clone(), c.name.clone())),
            Level::Circonscription => data
                .circonscriptions
                .get(i)
                .map(|a| (a.code.clone(), a.name.clone())),
            Level::Departement => data
                .departements
                .get(i)
                .map(|a| (a.code.clone(), a.name.clone())),
        }
    };
    let mut rates: Vec<Rate> = sums
        .into_iter()
        .zip(communes_of)
        .enumerate()
        .filter(|(_, ((initiatives, staff), _))| *initiatives > 0 || *staff > 0)
        .filter_map(|(i, ((initiatives, staff), communes))| {
            let (code, name) = area(i)?;
            Some(Rate {
                code,
                name,
                initiatives,
                staff,
                per_hundred: (staff as usize >= SMALL_GROUP)
                    .then(|| initiatives as f64 * 100.0 / staff as f64),
                communes,
            })
        })
        .collect();
    rates.sort_by(|a, b| {
        b.per_hundred
            .unwrap_or(-1.0)
            .total_cmp(&a.per_hundred.unwrap_or(-1.0))
            .then_with(|| a.code.cmp(&b.code))
    });
    rates
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    /// Two communes of the Pas-de-Calais (one far enough to be its own cluster at zoom 9),
    /// one of the Eure; five establishments.
    fn data() -> MapData {
        let commune =
            |code: &str, name: &str, departement, population, latitude, longitude| Commune {
                code: code.to_owned(),
                name: name.to_owned(),
                departement,
                population,
                latitude,
                longitude,
            };
        let place = |id, kind, commune: u32, latitude, longitude, staff| Place {
            id,
            uai: format!("062000{id}A"),
            name: format!("Établissement {id}"),
            kind,
            latitude,
            longitude,
            commune,
            circonscription: Some(0),
            staff,
        };
        let mut data = MapData::new(
            vec![
                place(1, EstablishmentKind::Ecole, 0, 50.29, 2.78, 10),
                place(2, EstablishmentKind::College, 0, 50.291, 2.781, 40),
                place(3, EstablishmentKind::Ecole, 1, 50.72, 1.61, 3),
                place(4, EstablishmentKind::Lycee, 2, 49.02, 1.15, 50),
                place(5, EstablishmentKind::Ecole, 2, 49.021, 1.151, 0),
            ],
            vec![
                commune("62041", "Arras", 0, 41_000, 50.29, 2.78),
                commune("62160", "Boulogne-sur-Mer", 0, 40_000, 50.72, 1.61),
                commune("27229", "Évreux", 1, 47_000, 49.02, 1.15),
            ],
            vec![
                Area {
                    code: "62".to_owned(),
                    name: "Pas-de-Calais".to_owned(),
                },
                Area {
                    code: "27".to_owned(),
                    name: "Eure".to_owned(),
                },
            ],
            vec![Area {
                code: "0620001X".to_owned(),
                name: "Arras 1".to_owned(),
            }],
            HashMap::from([(7, vec![0, 1])]),
        );
        data.facts = Vec::new();
        data
    }

    fn fact(place: u32, month: &str, layer: Layer) -> Fact {
        Fact {
            place,
            month: Month::parse(month).unwrap(),
            layer,
            visibility: Visibility::Public,
            territory: 0,
            tags: 0,
            observatory: 0,
        }
    }

    #[test]
    fn the_time_slider_stops_at_the_current_month() {
        let mut data = data();
        let now = Month::parse("2026-12").unwrap();
        assert_eq!(data.slider_months(now), None, "nothing happened yet");
        data.facts = vec![
            fact(0, "2025-09", Layer::Practices),
            fact(1, "2026-03", Layer::Trials),
        ];
        let range = |d: &MapData| d.slider_months(now).map(|(f, l)| (f.code(), l.code()));
        assert_eq!(
            range(&data),
            Some(("2025-09".to_owned(), "2026-03".to_owned()))
        );
        data.facts.push(fact(2, "2027-05", Layer::Events));
        assert_eq!(
            range(&data),
            Some(("2025-09".to_owned(), "2026-12".to_owned())),
            "an event planned for May 2027 does not stretch it"
        );
        data.facts = vec![fact(2, "2027-05", Layer::Events)];
        assert_eq!(
            range(&data),
            Some(("2026-12".to_owned(), "2026-12".to_owned())),
            "only planned events: the current month alone"
        );
    }

    fn signed_in() -> Viewer {
        Viewer {
            signed_in: true,
            territories: vec![],
        }
    }

    #[test]
    fn layers_and_boxes_read_from_addresses_with_french_errors() {
        let layers = Layers::parse("pratiques,essais").unwrap();
        assert!(layers.contains(Layer::Practices) && !layers.contains(Layer::Visits));
        assert_eq!(layers.code(), "pratiques,essais");
        assert!(
            Layers::parse("pratiques,zebres")
                .unwrap_err()
                .contains("« zebres »")
        );
        assert!(
            Layers::parse("")
                .unwrap_err()
                .contains("au moins une couche")
        );
        let bbox = BBox::parse("1.5,50.1,3.2,51.1").unwrap();
        assert!(bbox.contains(50.29, 2.78) && !bbox.contains(49.0, 2.78));
        for bad in [
            "1,2,3",
            "a,b,c,d",
            "3,50,1,51",
            "1,51,3,50",
            "NaN,1,2,3",
            "1,2,3,4,5",
        ] {
            assert!(
                BBox::parse(bad).unwrap_err().contains("ouest,sud,est,nord"),
                "{bad}"
            );
        }
        // Out-of-world numbers are clamped, not refused.
        assert_eq!(BBox::parse("-200,-100,200,100").unwrap(), BBox::WORLD);
        assert!(theme_bit("subject:francais").is_ok());
        assert!(
            theme_bit("skill:cooperation").is_err(),
            "a skill is not a theme"
        );
        assert!(theme_bit("francais").unwrap_err().contains("inconnu"));
    }

    #[test]
    fn every_filtered_tag_has_its_own_bit() {
        let mut seen = 0u64;
        for v in FILTER_VOCABULARIES {
            for (code, _) in v.terms() {
                let bit = tag_bit(v, code).expect("fewer than 64 filter tags");
                assert_eq!(seen & bit, 0, "{code}");
                seen |= bit;
            }
        }
        assert_eq!(tag_bit(Vocabulary::Level, "cycle-1"), None);
    }

    #[test]
    fn a_single_establishment_is_a_cluster_of_one_and_near_ones_merge() {
        let mut data = data();
        data.facts = vec![
            fact(0, "2025-10", Layer::Practices),
            fact(1, "2025-11", Layer::Practices),
            fact(1, "2025-12", Layer::Trials),
            fact(2, "2026-01", Layer::Practices),
        ];
        let all = clusters(&data, &signed_in(), &Filters::default(), &BBox::FRANCE, 9);
        let counts: Vec<(u64, u32, &str)> = all
            .iter()
            .map(|c| (c.count, c.places, c.label.as_str()))
            .collect();
        assert_eq!(counts, [(3, 2, "Arras"), (1, 1, "Boulogne-sur-Mer")]);
        assert_eq!(all[0].counts[Layer::Practices.index()], 2);
        assert_eq!(all[0].counts[Layer::Trials.index()], 1);
        // Its centre is between the two schools, nearer the one with two facts.
        assert!(all[0].latitude > 50.2903 && all[0].latitude < 50.291);
        assert!(all[0].cell.contains(all[0].latitude, all[0].longitude));
        // The Boulogne school is alone: its cluster sits on it.
        assert_eq!((all[1].latitude, all[1].longitude), (50.72, 1.61));
        // Zoomed out to France, everything is one cluster; a box around Évreux has none.
        let france = clusters(&data, &signed_in(), &Filters::default(), &BBox::FRANCE, 3);
        assert_eq!(france.len(), 1);
        assert_eq!(france[0].count, 4);
        assert_eq!(
            france[0].label, "Arras",
            "named after its most populous commune"
        );
        let evreux = BBox::parse("0.9,48.9,1.4,49.2").unwrap();
        assert!(clusters(&data, &signed_in(), &Filters::default(), &evreux, 9).is_empty());
    }

    #[test]
    fn filters_keep_their_period_kind_territory_theme_and_layers() {
        let mut data = data();
        let francais = theme_bit("subject:francais").unwrap();
        let mut tagged = fact(0, "2025-10", Layer::Practices);
        tagged.tags = francais;
        data.facts = vec![
            tagged,
            fact(1, "2025-11", Layer::Practices),
            fact(3, "2026-02", Layer::Practices),
            fact(3, "2026-02", Layer::Networks),
        ];
        let count = |filters: Filters| -> u64 {
            clusters(&data, &signed_in(), &filters, &BBox::FRANCE, 0)
                .iter()
                .map(|c| c.count)
                .sum()
        };
        assert_eq!(count(Filters::default()), 3);
        let month = |m| Some(Month::parse(m).unwrap());
        // The time slider: everything up to November 2025.
        assert_eq!(
            count(Filters {
                to: month("2025-11"),
                ..Filters::default()
            }),
            2
        );
        assert_eq!(
            count(Filters {
                from: month("2025-11"),
                to: month("2025-12"),
                ..Filters::default()
            }),
            1
        );
        assert_eq!(
            count(Filters {
                kind: Some(EstablishmentKind::Ecole),
                ..Filters::default()
            }),
            1
        );
        assert_eq!(
            count(Filters {
                territory: Some(7),
                ..Filters::default()
            }),
            2
        );
        assert_eq!(
            count(Filters {
                territory: Some(8),
                ..Filters::default()
            }),
            0
        );
        assert_eq!(
            count(Filters {
                theme: Some(francais),
                ..Filters::default()
            }),
            1
        );
        let networks = Filters {
            layers: Layers::of(&[Layer::Networks]),
            ..Filters::default()
        };
        assert_eq!(count(networks), 1);
        // The establishments layer counts each establishment once.
        let schools = Filters {
            layers: Layers::of(&[Layer::Establishments]),
            ..Filters::default()
        };
        assert_eq!(count(schools), 5);
    }

    #[test]
    fn practices_count_only_for_those_who_may_read_them() {
        let mut data = data();
        let mut platform = fact(0, "2025-10", Layer::Practices);
        platform.visibility = Visibility::Platform;
        let mut territory = fact(0, "2025-10", Layer::Practices);
        territory.visibility = Visibility::Territory;
        territory.territory = 7;
        let mut private = fact(0, "2025-10", Layer::Practices);
        private.visibility = Visibility::Private;
        data.facts = vec![
            fact(0, "2025-10", Layer::Practices),
            platform,
            territory,
            private,
        ];
        let count = |viewer: &Viewer| -> u64 {
            clusters(&data, viewer, &Filters::default(), &BBox::FRANCE, 0)
                .iter()
                .map(|c| c.count)
                .sum()
        };
        assert_eq!(count(&Viewer::default()), 1, "anonymous: public only");
        assert_eq!(count(&signed_in()), 2, "signed in: public and platform");
        let member = Viewer {
            signed_in: true,
            territories: vec![7],
        };
        assert_eq!(
            count(&member),
            3,
            "a member sees the territory's; never the private one"
        );
    }

    #[test]
    fn visits_show_only_in_groups_of_five_or_more() {
        let mut data = data();
        let visits = Filters {
            layers: Layers::of(&[Layer::Visits]),
            ..Filters::default()
        };
        let shown = |data: &MapData| -> Vec<(String, u64)> {
            let mut shown: Vec<(String, u64)> =
                clusters(data, &signed_in(), &visits, &BBox::FRANCE, 12)
                    .into_iter()
                    .map(|c| (c.label, c.count))
                    .collect();
            shown.sort();
            shown
        };
        // Four visits in Arras: nothing, at any zoom, nor in the list.
        data.facts = (0..4).map(|_| fact(0, "2025-10", Layer::Visits)).collect();
        assert!(shown(&data).is_empty());
        assert!(
            places(&data, &signed_in(), &visits, &BBox::FRANCE, 100)
                .0
                .is_empty()
        );
        // A fifth: Arras shows five, at its town hall, not at the school.
        data.facts.push(fact(1, "2025-11", Layer::Visits));
        assert_eq!(shown(&data), [("Arras".to_owned(), 5)]);
        // A box around the first school alone still shows the commune's five: no viewport
        // tells a school's visits apart.
        let tight = BBox::parse("2.779,50.289,2.7805,50.2905").unwrap();
        let counts: Vec<u64> = clusters(&data, &signed_in(), &visits, &tight, 12)
            .iter()
            .map(|c| c.count)
            .collect();
        assert_eq!(counts, [5]);
        // Three in Boulogne stay hidden, even next to Arras's five…
        data.facts
            .extend((0..3).map(|_| fact(2, "2025-11", Layer::Visits)));
        assert_eq!(shown(&data), [("Arras".to_owned(), 5)]);
        // …until the département's other communes reach five together, shown at its centre.
        data.communes.push(Commune {
            code: "62004".to_owned(),
            name: "Achicourt".to_owned(),
            departement: 0,
            population: 7_000,
            latitude: 50.27,
            longitude: 2.76,
        });
        let mut achicourt = data.places[0].clone();
        achicourt.commune = 3;
        data.places.push(achicourt);
        data.facts
            .extend((0..2).map(|_| fact(5, "2025-12", Layer::Visits)));
        assert_eq!(
            shown(&data),
            [
                ("Arras".to_owned(), 5),
                ("Pas-de-Calais (autres communes)".to_owned(), 5)
            ]
        );
        // One in Évreux stays hidden (the Eure's rest is 1).
        data.facts.push(fact(3, "2025-12", Layer::Visits));
        let total: u64 = shown(&data).iter().map(|(_, n)| n).sum();
        assert_eq!(total, 10);
        // The time slider before December: Boulogne's three are hidden again.
        let november = Filters {
            to: Some(Month::parse("2025-11").unwrap()),
            ..visits.clone()
        };
        let before: Vec<u64> = clusters(&data, &signed_in(), &november, &BBox::FRANCE, 12)
            .iter()
            .map(|c| c.count)
            .collect();
        assert_eq!(before, [5]);
    }

    #[test]
    fn the_list_behind_a_cluster_names_its_establishments_biggest_first() {
        let mut data = data();
        data.facts = vec![
            fact(0, "2025-10", Layer::Practices),
            fact(1, "2025-11", Layer::Practices),
            fact(1, "2025-12", Layer::Trials),
        ];
        let cluster = &clusters(&data, &signed_in(), &Filters::default(), &BBox::FRANCE, 9)[0];
        let (lines, all) = places(&data, &signed_in(), &Filters::default(), &cluster.cell, 1);
        assert_eq!(all, 2);
        assert_eq!(lines.len(), 1, "cut at the limit");
        assert_eq!(lines[0].uai.as_deref(), Some("0620002A"));
        assert_eq!(lines[0].commune, "Arras");
        assert_eq!(total(&lines[0].counts), 2);
    }

    #[test]
    fn the_choropleth_divides_initiatives_by_staff_and_hides_tiny_areas() {
        let mut data = data();
        data.facts = vec![
            fact(0, "2025-10", Layer::Practices),
            fact(1, "2025-11", Layer::Trials),
            fact(2, "2025-11", Layer::Practices),
            fact(3, "2025-11", Layer::Practices),
            fact(3, "2025-11", Layer::Visits),
        ];
        let rates = choropleth(&data, &signed_in(), &Filters::default(), Level::Commune);
        let view: Vec<(&str, u64, u64, Option<f64>)> = rates
            .iter()
            .map(|r| (r.code.as_str(), r.initiatives, r.staff, r.per_hundred))
            .collect();
        assert_eq!(
            view,
            [
                ("62041", 2, 50, Some(4.0)),
                ("27229", 1, 50, Some(2.0)),
                // Three people: no rate.
                ("62160", 1, 3, None),
            ]
        );
        let departements = choropleth(&data, &signed_in(), &Filters::default(), Level::Departement);
        assert_eq!(departements[0].code, "62");
        assert_eq!(
            (departements[0].initiatives, departements[0].staff),
            (3, 53)
        );
        assert_eq!(departements[0].communes, ["62041", "62160"]);
        // Circonscriptions are drawn with the communes most of whose schools are theirs.
        let circos = choropleth(
            &data,
            &signed_in(),
            &Filters::default(),
            Level::Circonscription,
        );
        assert_eq!(circos.len(), 1);
        assert_eq!(circos[0].communes, ["62041", "62160", "27229"]);
        assert!(Level::parse("canton").unwrap_err().contains("inconnue"));
    }

    #[test]
    fn an_event_is_drawn_at_the_territorys_most_central_establishment() {
        let data = data();
        assert!(matches!(data.territory_anchor(7), Some(0) | Some(1)));
        assert_eq!(data.territory_anchor(8), None);
    }
}
