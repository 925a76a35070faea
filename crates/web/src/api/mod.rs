//! The public JSON API, versioned, documented by OpenAPI.

pub mod v1;
