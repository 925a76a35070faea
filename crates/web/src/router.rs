//! Every route of the platform, in one place.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::observatories::visits;
use crate::handlers::{
    accounts, directory, home, indicators, observatories, practices, spaces, system, territories,
    training,
};
use crate::state::AppState;
use crate::{api, metrics, security};

/// Largest request body accepted (forms and JSON).
const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    metrics::handle();
    let secure = state.settings.secure_cookies();
    let proxies = std::sync::Arc::new(state.settings.trusted_proxies.clone());
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/annuaire", get(directory::search))
        .route("/carte", get(indicators::map::page))
        .route("/carte/tableau", get(indicators::map::table_fragment))
        .route("/carte/lieux", get(indicators::map::places))
        .route("/carte/fonds/{name}", get(indicators::map::outline))
        .route(
            "/projet-strategique",
            get(indicators::project::list).post(indicators::project::create),
        )
        .route(
            "/projet-strategique/{academie}",
            get(indicators::project::show),
        )
        .route(
            "/projet-strategique/{academie}/noeuds",
            post(indicators::project::add_node),
        )
        .route(
            "/projet-strategique/{academie}/noeuds/{id}",
            post(indicators::project::update_node),
        )
        .route(
            "/projet-strategique/{academie}/noeuds/{id}/supprimer",
            post(indicators::project::remove_node),
        )
        .route(
            "/projet-strategique/{academie}/indicateurs",
            post(indicators::project::add_indicator),
        )
        .route(
            "/projet-strategique/{academie}/indicateurs/{id}/supprimer",
            post(indicators::project::remove_indicator),
        )
        .route("/tableaux-de-bord", get(indicators::dashboard::scopes))
        .route(
            "/tableaux-de-bord/recalcul",
            post(indicators::dashboard::recompute),
        )
        .route(
            "/tableaux-de-bord/national",
            get(indicators::dashboard::national),
        )
        .route(
            "/tableaux-de-bord/national/reseau",
            get(indicators::network::national),
        )
        .route(
            "/tableaux-de-bord/national/{file}",
            get(indicators::dashboard::export_national),
        )
        .route(
            "/tableaux-de-bord/{kind}/{code}",
            get(indicators::dashboard::page),
        )
        .route(
            "/tableaux-de-bord/{kind}/{code}/valeurs",
            post(indicators::dashboard::enter_value),
        )
        .route(
            "/tableaux-de-bord/{kind}/{code}/cibles",
            post(indicators::dashboard::set_target),
        )
        .route(
            "/tableaux-de-bord/{kind}/{code}/reseau",
            get(indicators::network::page),
        )
        .route(
            "/tableaux-de-bord/{kind}/{code}/{file}",
            get(indicators::dashboard::export),
        )
        .route("/etablissements/{uai}", get(directory::establishment))
        .route("/pratiques", get(practices::search).post(practices::create))
        .route("/pratiques/nouvelle", get(practices::new_form))
        .route("/pratiques/flux.atom", get(practices::feed))
        .route("/pratiques/{id}", get(practices::show))
        .route(
            "/pratiques/{id}/modifier",
            get(practices::edit_form).post(practices::update),
        )
        .route("/pratiques/{id}/publier", post(practices::publish))
        .route("/pratiques/{id}/depublier", post(practices::unpublish))
        .route("/pratiques/{id}/supprimer", post(practices::delete))
        .route("/pratiques/{id}/versions", get(practices::versions))
        .route("/pratiques/{id}/commentaires", post(practices::comment))
        .route("/pratiques/{id}/essais", post(practices::trial))
        .route("/pratiques/{id}/favori", post(practices::bookmark))
        .route("/medias/{id}", get(practices::serve))
        .route("/medias/{id}/affiche", get(practices::poster))
        .route(
            "/medias/{id}/sous-titres",
            post(practices::add_caption).layer(DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/medias/{id}/sous-titres/{lang}", get(practices::caption))
        .route("/medias/{id}/consentement", post(practices::consent))
        .route("/suivre", post(practices::follow))
        .route("/notifications", get(practices::notifications))
        .route("/notifications/resume", post(practices::set_digest))
        .route("/mes-pratiques", get(practices::mine))
        .route("/espaces", get(spaces::list).post(spaces::create))
        .route("/espaces/{id}", get(spaces::show))
        .route(
            "/espaces/{id}/membres",
            get(spaces::members).post(spaces::set_member),
        )
        .route(
            "/espaces/{id}/dossiers",
            get(spaces::root).post(spaces::new_folder),
        )
        .route("/espaces/{id}/dossiers/{entry}", get(spaces::folder))
        .route(
            "/espaces/{id}/blog",
            get(spaces::blog).post(spaces::create_post),
        )
        .route("/espaces/{id}/blog/nouveau", get(spaces::new_post))
        .route("/espaces/{id}/blog.atom", get(spaces::feed))
        .route("/espaces/{id}/blog/{post}", get(spaces::post))
        .route(
            "/espaces/{id}/blog/{post}/modifier",
            get(spaces::edit_post).post(spaces::update_post),
        )
        .route(
            "/espaces/{id}/blog/{post}/supprimer",
            post(spaces::delete_post),
        )
        .route(
            "/espaces/{id}/blog/{post}/commentaires",
            post(spaces::comment_post),
        )
        .route(
            "/espaces/{id}/blog/{post}/commentaires/{comment}/supprimer",
            post(spaces::delete_comment),
        )
        .route(
            "/espaces/{id}/forum",
            get(spaces::forum).post(spaces::create_topic),
        )
        .route(
            "/espaces/{id}/forum/categories",
            post(spaces::create_category),
        )
        .route("/espaces/{id}/forum/{topic}", get(spaces::topic))
        .route("/espaces/{id}/forum/{topic}/reponses", post(spaces::reply))
        .route(
            "/espaces/{id}/forum/{topic}/suivre",
            post(spaces::subscribe),
        )
        .route(
            "/espaces/{id}/forum/{topic}/moderation",
            post(spaces::moderate_topic),
        )
        .route(
            "/espaces/{id}/forum/messages/{message}/signaler",
            post(spaces::report),
        )
        .route(
            "/espaces/{id}/forum/messages/{message}/masquer",
            post(spaces::hide_message),
        )
        .route("/espaces/{id}/moderation", get(spaces::moderation))
        .route("/espaces/{id}/moderation/{report}", post(spaces::resolve))
        .route("/espaces/{id}/corbeille", get(spaces::trash_page))
        .route("/espaces/{id}/fichiers/{entry}", get(spaces::file))
        .route(
            "/espaces/{id}/fichiers/{entry}/contenu",
            get(spaces::content),
        )
        .route(
            "/espaces/{id}/fichiers/{entry}/renommer",
            post(spaces::rename),
        )
        .route(
            "/espaces/{id}/fichiers/{entry}/corbeille",
            post(spaces::trash),
        )
        .route(
            "/espaces/{id}/fichiers/{entry}/restaurer",
            post(spaces::restore),
        )
        .route(
            "/espaces/{id}/fichiers/{entry}/supprimer",
            post(spaces::purge),
        )
        .route(
            "/espaces/{id}/fichiers/{entry}/versions/{version}/restaurer",
            post(spaces::restore_version),
        )
        .route(
            "/espaces/{id}/salons",
            get(spaces::chat::rooms).post(spaces::chat::create_room),
        )
        .route(
            "/conversations",
            get(spaces::chat::conversations).post(spaces::chat::start_conversation),
        )
        .route(
            "/salons/{id}",
            get(spaces::chat::room).post(spaces::chat::post),
        )
        .route(
            "/salons/{id}/messages/{message}/modifier",
            get(spaces::chat::edit_form).post(spaces::chat::edit),
        )
        .route(
            "/salons/{id}/messages/{message}/supprimer",
            post(spaces::chat::delete),
        )
        .route(
            "/salons/{id}/messages/{message}/reactions",
            post(spaces::chat::react),
        )
        .route("/salons/{id}/fichiers/{message}", get(spaces::chat::file))
        .route(
            "/espaces/{id}/pads",
            get(spaces::pads::list).post(spaces::pads::create),
        )
        .route("/pads/{id}", get(spaces::pads::show))
        .route("/pads/{id}/versions", post(spaces::pads::snapshot))
        .route(
            "/pads/{id}/versions/{snapshot}/restaurer",
            post(spaces::pads::restore),
        )
        .route("/pads/{id}/export/{format}", get(spaces::pads::export))
        .route(
            "/observatoires",
            get(observatories::list).post(observatories::create),
        )
        .route("/observatoires/{id}", get(observatories::show))
        .route(
            "/observatoires/{id}/observateur",
            post(observatories::volunteer),
        )
        .route("/observatoires/{id}/binomes", post(observatories::assign))
        .route(
            "/observatoires/{id}/chiffres.csv",
            get(observatories::figures_csv),
        )
        .route(
            "/observatoires/{id}/demandes/nouvelle",
            get(visits::request_form),
        )
        .route("/observatoires/{id}/demandes", post(visits::create))
        .route("/demandes/{id}", get(visits::request_page))
        .route("/demandes/{id}/consentement", post(visits::consent))
        .route("/visites", get(visits::mine))
        .route("/visites/agenda", post(visits::renew_feed))
        .route("/calendrier/{file}", get(visits::feed))
        .route("/visites/{id}", get(visits::show))
        .route("/visites/{id}/invitation.ics", get(visits::invitation))
        .route("/visites/{id}/date", post(visits::schedule))
        .route("/visites/{id}/binome", post(visits::swap))
        .route("/visites/{id}/etape/{step}", post(visits::advance))
        .route(
            "/visites/{id}/observation",
            get(visits::observation_page).post(visits::save_observation_form),
        )
        .route("/visites/{id}/analyse", post(visits::analysis))
        .route("/visites/{id}/accord", post(visits::agree))
        .route("/visites/{id}/besoins", post(visits::need))
        .route("/visites/{id}/pratique", post(visits::suggest_practice))
        .route(
            "/evenements",
            get(territories::events::list).post(territories::events::create),
        )
        .route("/evenements/nouveau", get(territories::events::new_form))
        .route("/evenements/{id}", get(territories::events::show))
        .route(
            "/evenements/{id}/inscription",
            post(territories::events::register_form),
        )
        .route(
            "/evenements/{id}/desinscription",
            post(territories::events::unregister_form),
        )
        .route(
            "/evenements/{id}/annulation",
            post(territories::events::cancel_form),
        )
        .route(
            "/evenements/{id}/presences",
            post(territories::events::attendance),
        )
        .route(
            "/evenements/{id}/evenement.ics",
            get(territories::events::ics),
        )
        .route("/lab", get(territories::events::lab))
        .route("/lab/reservations", post(territories::events::book))
        .route(
            "/lab/reservations/{id}/annulation",
            post(territories::events::cancel_booking),
        )
        .route("/territoires", get(territories::list))
        .route(
            "/territoires/nouveau",
            get(territories::creation::new_form).post(territories::creation::create_form),
        )
        .route("/territoires/{slug}", get(territories::show))
        .route(
            "/territoires/{slug}/groupes",
            get(territories::groups::show).post(territories::groups::create_form),
        )
        .route(
            "/territoires/{slug}/groupes/{group}/membres",
            post(territories::groups::member_form),
        )
        .route(
            "/territoires/{slug}/groupes/{group}/reunions",
            post(territories::groups::meeting_form),
        )
        .route(
            "/territoires/{slug}/reseaux",
            get(territories::networks::show).post(territories::networks::create_form),
        )
        .route(
            "/territoires/{slug}/reseaux/{network}/membres",
            post(territories::networks::member_form),
        )
        .route(
            "/territoires/{slug}/partenaires",
            get(territories::partners::show),
        )
        .route(
            "/territoires/{slug}/partenaires/{section}",
            post(territories::partners::form),
        )
        .route(
            "/territoires/{slug}/conventions/{id}/documents/{document}",
            get(territories::partners::document),
        )
        .route("/territoires/{slug}/inspe", get(territories::inspe::show))
        .route(
            "/territoires/{slug}/inspe/journees",
            post(territories::inspe::place_form),
        )
        .route(
            "/territoires/{slug}/inspe/accueil",
            post(territories::inspe::welcome_form),
        )
        .route("/reunions/{id}", get(territories::groups::show_meeting))
        .route(
            "/reunions/{id}/presences",
            post(territories::groups::attendance_form),
        )
        .route(
            "/reunions/{id}/reunion.ics",
            get(territories::groups::meeting_ics),
        )
        .route(
            "/territoires/{slug}/membres",
            get(territories::members::show).post(territories::members::appoint_form),
        )
        .route(
            "/territoires/{slug}/membres/{person}/retirer",
            post(territories::members::dismiss_form),
        )
        .route(
            "/territoires/{slug}/membres/demandes/{person}/{answer}",
            post(territories::joining::answer_form),
        )
        .route(
            "/territoires/{slug}/membres/ouverture",
            post(territories::joining::open_form),
        )
        .route(
            "/territoires/{slug}/rejoindre",
            post(territories::joining::join_form),
        )
        .route(
            "/territoires/{slug}/lancement",
            get(territories::launch::show),
        )
        .route(
            "/territoires/{slug}/lancement/etat-des-lieux",
            post(territories::launch::add_item_form),
        )
        .route(
            "/territoires/{slug}/lancement/problematique",
            post(territories::launch::problem_form),
        )
        .route(
            "/territoires/{slug}/lancement/{section}",
            get(territories::launch::step_page).post(territories::launch::later_step_form),
        )
        .route(
            "/territoires/{slug}/lancement/etapes/{step}",
            post(territories::launch::step_form),
        )
        .route(
            "/territoires/{slug}/maturite",
            get(territories::maturity::show).post(territories::maturity::answer),
        )
        .route(
            "/territoires/{slug}/maturite/{id}/accord",
            post(territories::maturity::agree),
        )
        .route("/formation", get(training::show))
        .route("/formation/besoins", post(training::express_form))
        .route(
            "/formation/besoins/{id}/retirer",
            post(training::withdraw_form),
        )
        .route("/formation/demande", get(training::demand_page))
        .route(
            "/formation/equipe",
            get(training::staff).post(training::staff_form),
        )
        .route("/formation/modules", post(training::modules::create))
        .route(
            "/formation/modules/nouveau",
            get(training::modules::new_form),
        )
        .route("/formation/modules/{id}", get(training::modules::show))
        .route(
            "/formation/modules/{id}/inscription",
            post(training::modules::register_form),
        )
        .route(
            "/formation/modules/{id}/desinscription",
            post(training::modules::unregister_form),
        )
        .route(
            "/formation/modules/{id}/presences/{session}",
            post(training::modules::attendance),
        )
        .route(
            "/formation/modules/{id}/annulation",
            post(training::modules::cancel),
        )
        .route(
            "/formation/modules/{id}/attestation.pdf",
            get(training::modules::attestation),
        )
        .route(
            "/parcours",
            get(training::paths::list).post(training::paths::create),
        )
        .route("/parcours/nouveau", get(training::paths::new_form))
        .route("/parcours/{id}", get(training::paths::show))
        .route(
            "/parcours/{id}/etapes",
            post(training::paths::add_step_form),
        )
        .route(
            "/parcours/{id}/etapes/{step}",
            get(training::paths::step).post(training::paths::record_form),
        )
        .route(
            "/parcours/{id}/etapes/{step}/retirer",
            post(training::paths::remove_step_form),
        )
        .route(
            "/parcours/{id}/publier",
            post(training::paths::publish_form),
        )
        .route(
            "/parcours/{id}/commencer",
            post(training::paths::start_form),
        )
        .route("/parcours/{id}/cohorte", get(training::paths::cohort_page))
        .route(
            "/parcours/{id}/attestation.pdf",
            get(training::paths::attestation),
        )
        .route(
            "/connexion",
            get(accounts::login_form).post(accounts::login),
        )
        .route("/deconnexion", post(accounts::logout))
        .route("/compte", get(accounts::account))
        .route("/compte/mots-de-passe", post(accounts::create_app_password))
        .route(
            "/compte/mots-de-passe/{id}/revoquer",
            post(accounts::revoke_app_password),
        )
        .route(
            "/compte/sessions/{id}/fermer",
            post(accounts::revoke_session),
        )
        .route(
            "/invitations",
            get(accounts::invitations::page).post(accounts::invitations::invite),
        )
        .route(
            "/invitation/{token}",
            get(accounts::invitations::accept_form).post(accounts::invitations::accept),
        )
        .route(
            "/inscription",
            get(accounts::invitations::signup_form).post(accounts::invitations::signup),
        )
        .route(
            "/compte/fermeture",
            get(accounts::privacy::close_form).post(accounts::privacy::close),
        )
        .route("/donnees-personnelles", get(accounts::privacy::page))
        .route("/auth/oidc/login", get(accounts::oidc::login))
        .route("/auth/oidc/callback", get(accounts::oidc::callback))
        .route("/admin/comptes", get(accounts::admin::accounts))
        .route("/admin/comptes/{id}/etat", post(accounts::admin::set_state))
        .route("/admin/comptes/{id}/role", post(accounts::admin::set_role))
        .route("/admin/journal", get(accounts::admin::journal))
        .route("/admin/conservation", get(accounts::admin::retention))
        .route(
            "/admin/acces-exceptionnel",
            get(accounts::admin::exceptional).post(accounts::admin::grant_exceptional),
        )
        .route(
            "/mot-de-passe-oublie",
            get(accounts::forgot_form).post(accounts::forgot),
        )
        .route(
            "/mot-de-passe/{token}",
            get(accounts::reset_form).post(accounts::reset),
        )
        .fallback(system::not_found)
        .layer(from_fn(move |req, next| {
            security::csrf_cookie(secure, req, next)
        }));

    // Every request but uploads is answered within a time and a body size limit.
    let bounded = Router::new()
        .merge(pages)
        .nest("/api/v1", api::v1::router())
        .route("/static/{*path}", get(system::asset))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    // Uploads stream as long as the file takes on a slow connection; the media layer counts
    // their size against the upload limits as they come.
    let uploads = Router::new()
        .route("/pratiques/{id}/medias", post(practices::upload))
        .route("/api/v1/practices/{id}/media", post(api::v1::upload_media))
        .route("/espaces/{id}/fichiers", post(spaces::upload))
        .route("/salons/{id}/fichiers", post(spaces::chat::upload))
        .route(
            "/territoires/{slug}/conventions/{id}/documents",
            post(territories::partners::upload),
        )
        .route("/api/v1/rooms/{id}/files", post(api::v1::upload_room_file))
        .route(
            "/api/v1/conventions/{id}/documents",
            post(api::v1::upload_convention_document),
        )
        .route(
            "/api/v1/spaces/{id}/files",
            post(api::v1::upload_space_files),
        )
        // WebDAV: file managers send files of any size, at their pace.
        .route("/dav/spaces/{id}", any(spaces::dav::space_root))
        .route("/dav/spaces/{id}/", any(spaces::dav::space_root))
        .route("/dav/spaces/{id}/{*path}", any(spaces::dav::space_path))
        .layer(DefaultBodyLimit::disable());
    // axum's own refusals in the platform's words, before the security headers are set.
    let mut app = bounded
        .merge(uploads)
        .with_state(state)
        .layer(from_fn(crate::error::french_rejections))
        .layer(from_fn(crate::error::remember_page));

    for (name, value) in security::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(from_fn(security::same_origin))
        .layer(axum::Extension(proxies))
        .layer(from_fn(metrics::track))
        .layer(axum::middleware::map_response(fused))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            crate::error::AppError::Internal("panic".to_owned()).into_response()
        }))
}

/// The operators' listener: the metrics, and nothing else.
pub fn metrics_router(state: AppState) -> Router {
    metrics::handle();
    Router::new()
        .route("/metrics", get(system::metrics))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state)
}

/// Every response body ends for good: once it has said it is over, it is never polled again.
/// Some bodies (dav-server's, made of an `async` block) panic when polled after their end,
/// which the compression layer does once it has flushed its encoder.
async fn fused(response: axum::response::Response) -> axum::response::Response {
    use http_body_util::BodyExt;
    response.map(|body| axum::body::Body::new(body.fuse()))
}

/// How long a request may take to be answered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
