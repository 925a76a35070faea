//! The files of `static/` (the vendored DSFR and our CSS), embedded in the binary.

#[derive(rust_embed::Embed)]
#[folder = "../../static"]
pub struct Static;
