//! Pages of collaborative pads.

use askama::Template;
use realtime::Rights;
use store::spaces::Space;
use store::spaces::pads::{Editor, Pad, PadSummary, Snapshot};

use super::SpaceHeader;
use crate::views::{Layout, date_time_fr};

pub struct EditorRow {
    pub name: String,
    pub last: String,
    pub updates: i64,
}

fn editor_rows(editors: Vec<Editor>) -> Vec<EditorRow> {
    editors
        .into_iter()
        .map(|e| EditorRow {
            name: e.name,
            last: date_time_fr(e.last_at),
            updates: e.updates,
        })
        .collect()
}

pub struct PadRow {
    pub id: i64,
    pub title: String,
    pub updated: String,
    pub editors: Vec<EditorRow>,
}

#[derive(Template)]
#[template(path = "spaces/pads.html")]
pub struct PadsPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub pads: Vec<PadRow>,
    pub writes: bool,
    pub error: Option<String>,
    pub title: String,
}

impl PadsPage {
    pub fn new(
        layout: Layout,
        space: &Space,
        pads: Vec<PadSummary>,
        writes: bool,
        error: Option<String>,
        title: String,
    ) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(space, "pads"),
            pads: pads
                .into_iter()
                .map(|p| PadRow {
                    id: p.pad.id,
                    title: p.pad.title,
                    updated: date_time_fr(p.pad.updated_at),
                    editors: editor_rows(p.editors),
                })
                .collect(),
            writes,
            error,
            title,
        }
    }
}

pub struct SnapshotRow {
    pub id: i64,
    pub name: String,
    pub author: String,
    pub date: String,
}

#[derive(Template)]
#[template(path = "spaces/pad.html")]
pub struct PadPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub id: i64,
    pub title: String,
    pub html: String,
    pub rights: Rights,
    pub editors: Vec<EditorRow>,
    pub snapshots: Vec<SnapshotRow>,
    pub error: Option<String>,
    pub name: String,
    /// The signed-in person's name, for their cursor.
    pub me: String,
    /// Allows the editor's own styles (see the page's Content-Security-Policy).
    pub nonce: String,
}

impl PadPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        space: &Space,
        pad: &Pad,
        text: &str,
        rights: Rights,
        editors: Vec<Editor>,
        snapshots: Vec<Snapshot>,
        error: Option<String>,
        name: String,
        me: String,
        nonce: String,
    ) -> Self {
        Self {
            me,
            nonce,
            layout,
            header: SpaceHeader::new(space, "pads"),
            id: pad.id,
            title: pad.title.clone(),
            html: domain::markdown::to_html(text),
            rights,
            editors: editor_rows(editors),
            snapshots: snapshots
                .into_iter()
                .map(|s| SnapshotRow {
                    id: s.id,
                    name: s.name,
                    author: s.author_name.unwrap_or_default(),
                    date: date_time_fr(s.created_at),
                })
                .collect(),
            error,
            name,
        }
    }
}
