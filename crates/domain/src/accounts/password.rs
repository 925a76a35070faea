//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the `stored` hash; with no hash, a dummy check of the same cost is made
/// so that an unknown address takes as long as a wrong password.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("mot de passe factice").unwrap_or_default());
    let parsed = PasswordHash::new(stored.unwrap_or(DUMMY.as_str()));
    let ok = parsed.is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    });
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("une longue phrase").unwrap_or_default();
        let b = hash("une longue phrase").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify("une longue phrase", Some(&a)));
        assert!(!verify("une autre phrase", Some(&a)));
        assert!(!verify("une longue phrase", None));
        assert!(!verify("x", Some("pas un hash")));
    }
}
