//! Extractors: who is calling, the page context, forms checked against CSRF.

mod auth;
mod client;
mod form;

pub use auth::{ApiCaller, ApiUser, PageContext, RequireUser, actor};
pub use client::{ClientIp, TrustedProxies};
pub use form::{CsrfForm, ListQuery, NoFields};
