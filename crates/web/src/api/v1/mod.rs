//! `/api/v1`: JSON answers, errors as `{error, message}`, OpenAPI at `/api/v1/openapi.json`.

mod accounts;
mod directory;
mod indicators;
mod observatories;
mod practices;
mod realtime;
mod spaces;
mod territories;
mod training;

/// Uploads are routed outside the time and body limits of the other requests (`router.rs`).
pub(crate) use practices::upload as upload_media;
pub(crate) use realtime::upload as upload_room_file;
pub(crate) use spaces::upload as upload_space_files;
pub(crate) use territories::partners::upload as upload_convention_document;

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::error::{ApiError, AppError};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Territoire",
        description = "API de la plateforme des territoires apprenants. Authentification : `Authorization: Bearer <jeton>` (jeton donné par `territoire user token EMAIL`). Erreurs : `{error, message}`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        directory::list,
        directory::get_one,
        indicators::clusters,
        indicators::places,
        indicators::choropleth,
        indicators::list,
        indicators::values,
        accounts::me,
        accounts::audit,
        accounts::export,
        territories::list,
        territories::create,
        territories::groups::list,
        territories::groups::create,
        territories::groups::add_member,
        territories::groups::create_meeting,
        territories::groups::meeting,
        territories::groups::put_attendance,
        territories::networks::list,
        territories::networks::create,
        territories::networks::add_member,
        territories::networks::remove_member,
        territories::partners::list,
        territories::partners::create,
        territories::partners::create_contact,
        territories::partners::delete_contact,
        territories::partners::conventions,
        territories::partners::create_convention,
        territories::partners::put_end,
        territories::partners::upload,
        territories::partners::document,
        territories::inspe::list,
        territories::inspe::create,
        territories::inspe::freed,
        territories::inspe::cross_observation,
        training::create,
        training::mine,
        training::withdraw,
        training::demand,
        training::raise,
        training::staff,
        training::appoint,
        training::dismiss,
        training::modules::create,
        training::modules::list,
        training::modules::get_one,
        training::modules::cancel,
        training::modules::create_registration,
        training::modules::delete_registration,
        training::modules::registrations,
        training::modules::put_attendance,
        training::modules::attestation,
        training::paths::list,
        training::paths::suggestions,
        training::paths::create,
        training::paths::get_one,
        training::paths::create_step,
        training::paths::delete_step,
        training::paths::create_publication,
        training::paths::create_progress,
        training::paths::get_progress,
        training::paths::put_step_progress,
        training::paths::get_cohort,
        training::paths::attestation,
        territories::launch::get,
        territories::launch::create_item,
        territories::launch::remove_item,
        territories::launch::put_problem,
        territories::launch::put_step,
        territories::launch::create_work_object,
        territories::launch::create_action,
        territories::launch::create_critical_friend,
        territories::launch::create_journal_entry,
        territories::launch::create_impact_analysis,
        territories::launch::create_support,
        territories::events::create,
        territories::events::list,
        territories::events::get_one,
        territories::events::cancel,
        territories::events::create_registration,
        territories::events::delete_registration,
        territories::members::list,
        territories::members::create,
        territories::members::delete,
        territories::maturity::grid,
        territories::maturity::list,
        territories::maturity::answer,
        territories::maturity::agree,
        practices::list,
        practices::create,
        practices::get_one,
        practices::update,
        practices::delete,
        practices::search,
        practices::upload,
        spaces::list,
        spaces::create,
        spaces::get_one,
        spaces::add_member,
        spaces::remove_member,
        spaces::posts,
        spaces::create_post,
        spaces::post,
        spaces::delete_post,
        spaces::comment,
        spaces::topics,
        spaces::create_topic,
        spaces::topic,
        spaces::reply,
        spaces::report,
        spaces::files,
        spaces::upload,
        spaces::create_folder,
        spaces::file,
        spaces::content,
        spaces::trash,
        spaces::restore,
        spaces::restore_version,
        realtime::rooms,
        realtime::create_room,
        realtime::conversations,
        realtime::start_conversation,
        realtime::room,
        realtime::messages,
        realtime::post_message,
        realtime::edit_message,
        realtime::delete_message,
        realtime::react,
        realtime::upload,
        realtime::file,
        realtime::read,
        crate::ws::room,
        realtime::pads,
        realtime::create,
        realtime::pad,
        realtime::export,
        realtime::snapshots,
        realtime::snapshot,
        realtime::restore,
        crate::ws::pad,
        observatories::list,
        observatories::create,
        observatories::get_one,
        observatories::assign,
        observatories::figures,
        observatories::create_visit_request,
        observatories::visit_request,
        observatories::consent,
        observatories::visit,
        observatories::change,
        observatories::observation,
        observatories::put_observation,
        observatories::analysis,
        observatories::put_analysis,
        observatories::add_need,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jeton",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/establishments", get(directory::list))
        .route("/establishments/{uai}", get(directory::get_one))
        .route("/map/clusters", get(indicators::clusters))
        .route("/map/places", get(indicators::places))
        .route("/map/choropleth", get(indicators::choropleth))
        .route("/indicators", get(indicators::list))
        .route("/indicators/{id}/values", get(indicators::values))
        .route("/me", get(accounts::me))
        .route("/audit", get(accounts::audit))
        .route("/me/export", get(accounts::export))
        .route(
            "/territories",
            get(territories::list).post(territories::create),
        )
        .route(
            "/territories/{id}/members",
            get(territories::members::list).post(territories::members::create),
        )
        .route(
            "/territories/{id}/members/{person}",
            delete(territories::members::delete),
        )
        .route(
            "/territories/{id}/groups",
            get(territories::groups::list).post(territories::groups::create),
        )
        .route(
            "/groups/{id}/members",
            post(territories::groups::add_member),
        )
        .route(
            "/groups/{id}/meetings",
            post(territories::groups::create_meeting),
        )
        .route("/meetings/{id}", get(territories::groups::meeting))
        .route(
            "/meetings/{id}/attendance",
            put(territories::groups::put_attendance),
        )
        .route(
            "/territories/{id}/networks",
            get(territories::networks::list).post(territories::networks::create),
        )
        .route(
            "/networks/{id}/members",
            post(territories::networks::add_member),
        )
        .route(
            "/networks/{id}/members/{person}",
            delete(territories::networks::remove_member),
        )
        .route(
            "/territories/{id}/partners",
            get(territories::partners::list).post(territories::partners::create),
        )
        .route(
            "/partners/{id}/contacts",
            post(territories::partners::create_contact),
        )
        .route(
            "/partners/{id}/contacts/{contact}",
            delete(territories::partners::delete_contact),
        )
        .route(
            "/territories/{id}/conventions",
            get(territories::partners::conventions).post(territories::partners::create_convention),
        )
        .route("/conventions/{id}/end", put(territories::partners::put_end))
        .route(
            "/conventions/{id}/documents/{document}",
            get(territories::partners::document),
        )
        .route(
            "/territories/{id}/inspe-days",
            get(territories::inspe::list).post(territories::inspe::create),
        )
        .route(
            "/territories/{id}/freed-days",
            get(territories::inspe::freed),
        )
        .route(
            "/territories/{id}/cross-observations",
            post(territories::inspe::cross_observation),
        )
        .route(
            "/training-needs",
            get(training::mine).post(training::create),
        )
        .route("/training-needs/{id}", delete(training::withdraw))
        .route("/training-demand", get(training::demand))
        .route(
            "/territories/{id}/inventory-items/{item}/training-need",
            post(training::raise),
        )
        .route(
            "/training-staff",
            get(training::staff).post(training::appoint),
        )
        .route("/training-staff/{person}/{kind}", delete(training::dismiss))
        .route(
            "/training-modules",
            get(training::modules::list).post(training::modules::create),
        )
        .route(
            "/training-modules/{id}",
            get(training::modules::get_one).delete(training::modules::cancel),
        )
        .route(
            "/training-modules/{id}/registrations",
            get(training::modules::registrations).post(training::modules::create_registration),
        )
        .route(
            "/training-modules/{id}/registrations/me",
            delete(training::modules::delete_registration),
        )
        .route(
            "/training-modules/{id}/sessions/{session}/attendance",
            put(training::modules::put_attendance),
        )
        .route(
            "/training-modules/{id}/attestation",
            get(training::modules::attestation),
        )
        .route(
            "/paths",
            get(training::paths::list).post(training::paths::create),
        )
        .route("/paths/suggestions", get(training::paths::suggestions))
        .route("/paths/{id}", get(training::paths::get_one))
        .route("/paths/{id}/steps", post(training::paths::create_step))
        .route(
            "/paths/{id}/steps/{step}",
            delete(training::paths::delete_step),
        )
        .route(
            "/paths/{id}/publication",
            post(training::paths::create_publication),
        )
        .route(
            "/paths/{id}/progress",
            get(training::paths::get_progress).post(training::paths::create_progress),
        )
        .route(
            "/paths/{id}/steps/{step}/progress",
            put(training::paths::put_step_progress),
        )
        .route("/paths/{id}/cohort", get(training::paths::get_cohort))
        .route("/paths/{id}/attestation", get(training::paths::attestation))
        .route("/territories/{id}/launch", get(territories::launch::get))
        .route(
            "/territories/{id}/inventory-items",
            post(territories::launch::create_item),
        )
        .route(
            "/territories/{id}/inventory-items/{item}",
            delete(territories::launch::remove_item),
        )
        .route(
            "/territories/{id}/problem",
            put(territories::launch::put_problem),
        )
        .route(
            "/territories/{id}/launch/steps/{step}",
            put(territories::launch::put_step),
        )
        .route(
            "/territories/{id}/work-objects",
            post(territories::launch::create_work_object),
        )
        .route(
            "/territories/{id}/actions",
            post(territories::launch::create_action),
        )
        .route(
            "/territories/{id}/critical-friends",
            post(territories::launch::create_critical_friend),
        )
        .route(
            "/territories/{id}/journal",
            post(territories::launch::create_journal_entry),
        )
        .route(
            "/territories/{id}/impact-analyses",
            post(territories::launch::create_impact_analysis),
        )
        .route(
            "/territories/{id}/supports",
            post(territories::launch::create_support),
        )
        .route(
            "/events",
            get(territories::events::list).post(territories::events::create),
        )
        .route(
            "/events/{id}",
            get(territories::events::get_one).delete(territories::events::cancel),
        )
        .route(
            "/events/{id}/registrations",
            post(territories::events::create_registration),
        )
        .route(
            "/events/{id}/registrations/me",
            delete(territories::events::delete_registration),
        )
        .route("/maturity-grid", get(territories::maturity::grid))
        .route(
            "/territories/{id}/maturity-assessments",
            get(territories::maturity::list).post(territories::maturity::answer),
        )
        .route(
            "/territories/{id}/maturity-assessments/{assessment}/agreement",
            post(territories::maturity::agree),
        )
        .route("/practices", get(practices::list).post(practices::create))
        .route(
            "/practices/{id}",
            get(practices::get_one)
                .patch(practices::update)
                .delete(practices::delete),
        )
        .route("/search", get(practices::search))
        .route(
            "/observatories",
            get(observatories::list).post(observatories::create),
        )
        .route("/observatories/{id}", get(observatories::get_one))
        .route(
            "/observatories/{id}/assignments",
            post(observatories::assign),
        )
        .route("/observatories/{id}/figures", get(observatories::figures))
        .route("/visit-requests", post(observatories::create_visit_request))
        .route("/visit-requests/{id}", get(observatories::visit_request))
        .route("/visit-requests/{id}/consent", post(observatories::consent))
        .route(
            "/visits/{id}",
            get(observatories::visit).patch(observatories::change),
        )
        .route(
            "/visits/{id}/observation",
            get(observatories::observation).put(observatories::put_observation),
        )
        .route(
            "/visits/{id}/analysis",
            get(observatories::analysis).put(observatories::put_analysis),
        )
        .route("/visits/{id}/training-needs", post(observatories::add_need))
        .route("/spaces", get(spaces::list).post(spaces::create))
        .route("/spaces/{id}", get(spaces::get_one))
        .route(
            "/spaces/{id}/rooms",
            get(realtime::rooms).post(realtime::create_room),
        )
        .route(
            "/conversations",
            get(realtime::conversations).post(realtime::start_conversation),
        )
        .route("/rooms/{id}", get(realtime::room))
        .route(
            "/rooms/{id}/messages",
            get(realtime::messages).post(realtime::post_message),
        )
        .route(
            "/rooms/{id}/messages/{message}",
            axum::routing::patch(realtime::edit_message).delete(realtime::delete_message),
        )
        .route(
            "/rooms/{id}/messages/{message}/reactions",
            post(realtime::react),
        )
        .route("/rooms/{id}/files/{message}", get(realtime::file))
        .route("/rooms/{id}/read", post(realtime::read))
        .route("/rooms/{id}/ws", get(crate::ws::room))
        .route(
            "/spaces/{id}/pads",
            get(realtime::pads).post(realtime::create),
        )
        .route("/pads/{id}", get(realtime::pad))
        .route("/pads/{id}/export", get(realtime::export))
        .route(
            "/pads/{id}/snapshots",
            get(realtime::snapshots).post(realtime::snapshot),
        )
        .route(
            "/pads/{id}/snapshots/{snapshot}/restore",
            post(realtime::restore),
        )
        .route("/pads/{id}/sync", get(crate::ws::pad))
        .route(
            "/spaces/{id}/members",
            post(spaces::add_member).delete(spaces::remove_member),
        )
        .route(
            "/spaces/{id}/posts",
            get(spaces::posts).post(spaces::create_post),
        )
        .route(
            "/spaces/{id}/posts/{post}",
            get(spaces::post).delete(spaces::delete_post),
        )
        .route("/spaces/{id}/posts/{post}/comments", post(spaces::comment))
        .route(
            "/spaces/{id}/topics",
            get(spaces::topics).post(spaces::create_topic),
        )
        .route("/spaces/{id}/topics/{topic}", get(spaces::topic))
        .route("/spaces/{id}/topics/{topic}/messages", post(spaces::reply))
        .route(
            "/spaces/{id}/messages/{message}/reports",
            post(spaces::report),
        )
        .route("/spaces/{id}/files", get(spaces::files))
        .route("/spaces/{id}/folders", post(spaces::create_folder))
        .route(
            "/spaces/{id}/files/{entry}",
            get(spaces::file).delete(spaces::trash),
        )
        .route("/spaces/{id}/files/{entry}/content", get(spaces::content))
        .route("/spaces/{id}/files/{entry}/restore", post(spaces::restore))
        .route(
            "/spaces/{id}/files/{entry}/versions/{version}/restore",
            post(spaces::restore_version),
        )
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A JSON body, read only once the route has checked the caller's rights on what its path
/// names ([`ApiJson::read`]): an outsider learns `404` or `403`, never whether a body would have
/// been accepted. Reading it answers a malformed body `400 {error, message}` in French, one
/// over the size limit `413`, one of another type `415`, and one whose texts hold a control
/// character or a direction override `400`.
pub struct ApiJson<T> {
    body: Result<axum::body::Bytes, ApiError>,
    shape: std::marker::PhantomData<fn() -> T>,
}

impl<S: Send + Sync, T> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        let body = if json {
            axum::body::Bytes::from_request(request, state)
                .await
                .map_err(|rejection| {
                    ApiError(if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::TooLarge(
                            "le corps de la requête dépasse la taille permise (1 Mio)".to_owned(),
                        )
                    } else {
                        AppError::BadRequest("le corps de la requête n'a pas pu être lu".to_owned())
                    })
                })
        } else {
            Err(ApiError(AppError::UnsupportedType(
                "le corps de la requête doit être du JSON (Content-Type: application/json)"
                    .to_owned(),
            )))
        };
        Ok(Self {
            body,
            shape: std::marker::PhantomData,
        })
    }
}

impl<T: DeserializeOwned> ApiJson<T> {
    /// The body, once the rights were checked.
    pub fn read(self) -> Result<T, ApiError> {
        let body = self.body?;
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError(AppError::BadRequest(json_problem(&e))))?;
        if let Some(problem) = hidden_character(&value, "") {
            return Err(ApiError(AppError::BadRequest(problem)));
        }
        serde_json::from_value(value).map_err(|e| ApiError(AppError::BadRequest(json_problem(&e))))
    }
}

/// The first text of a JSON document (keys included) holding a forbidden character, named by
/// its path (`tags[2]`).
fn hidden_character(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let label = |path: &str| {
        if path.is_empty() {
            "Le corps".to_owned()
        } else {
            format!("Le champ « {path} »")
        }
    };
    match value {
        Value::String(text) => domain::text::char_problem(&label(path), text),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| hidden_character(item, &format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            domain::text::char_problem(&format!("Le nom de champ « {inner} »"), key)
                .or_else(|| hidden_character(item, &inner))
        }),
        _ => None,
    }
}

/// A JSON error of serde, said in French (the field and the place stay as they are).
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = error.to_string();
    let place = if error.line() > 0 {
        format!(" (ligne {}, colonne {})", error.line(), error.column())
    } else {
        String::new()
    };
    let detail = text.split(" at line ").next().unwrap_or_default();
    let said = if let Some(field) = detail.strip_prefix("missing field ") {
        format!(
            "champ obligatoire manquant : « {} »",
            field.trim_matches('`')
        )
    } else if let Some(field) = detail.strip_prefix("unknown field ") {
        let field = field.split(',').next().unwrap_or_default();
        format!("champ inconnu : « {} »", field.trim_matches('`'))
    } else if let Some(rest) = detail.strip_prefix("invalid type: ") {
        format!("type incorrect : {rest}")
    } else if let Some(rest) = detail.strip_prefix("invalid value: ") {
        format!("valeur incorrecte : {rest}")
    } else if let Some(rest) = detail.strip_prefix("unknown variant ") {
        format!(
            "valeur inconnue : {}",
            rest.split(',').next().unwrap_or_default()
        )
    } else {
        match error.classify() {
            Category::Eof => "le document JSON est incomplet".to_owned(),
            Category::Syntax => "le document n'est pas du JSON valide".to_owned(),
            Category::Data => format!("donnée incorrecte : {detail}"),
            Category::Io => "le corps de la requête n'a pas pu être lu".to_owned(),
        }
    };
    format!("corps JSON invalide : {said}{place}")
}

/// A moment from an RFC 3339 text (`2027-03-15T09:00:00+01:00`), in seconds since the epoch.
pub(crate) fn moment(text: &str) -> Result<i64, ApiError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| {
            ApiError(AppError::BadRequest(format!(
                "« {text} » n'est pas une date RFC 3339"
            )))
        })
}
