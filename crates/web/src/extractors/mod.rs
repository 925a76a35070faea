//! Extractors: who is calling, the page context, forms checked against CSRF.

mod auth;
mod form;

pub use auth::{ApiCaller, ApiUser, ClientIp, PageContext, RequireUser, actor};
pub use form::{CsrfForm, ListQuery, NoFields};
