//! Check function for the official `crypto-basics.json` vectors
//! (RFC 9420 §5.1.1-§5.1.3, §5.2, §8, §9; TEST-VECTORS.md §2).
//!
//! Each case names a suite and gives one sub-object per labeled operation:
//! `ref_hash`, `expand_with_label`, `derive_secret`, `derive_tree_secret`
//! (compared byte for byte), `sign_with_label` (their signature verifies, and
//! ours verifies too) and `encrypt_with_label` (their ciphertext decrypts,
//! and ours round-trips). Labels are the short names; the helpers of
//! `mls_crypto::labeled` add the "MLS 1.0 " prefix (except `RefHash`).

use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkeCiphertextRef, HpkePrivateKey,
    SignatureKeyPair, SignaturePrivateKey, labeled,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Check one `crypto-basics.json` case with [`RustCryptoProvider`].
pub fn check(case: &Case<'_>) -> CaseResult {
    let id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(id).map_err(|_| CaseError::UnsupportedSuite(id.into()))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(id.into()))?;
    let cs = &*cs;
    ref_hash(cs, &case.object("ref_hash")?)?;
    expand_with_label(cs, &case.object("expand_with_label")?)?;
    derive_secret(cs, &case.object("derive_secret")?)?;
    derive_tree_secret(cs, &case.object("derive_tree_secret")?)?;
    sign_with_label(cs, &case.object("sign_with_label")?)?;
    encrypt_with_label(cs, &case.object("encrypt_with_label")?)
}

/// `RefHash(label, value) == out`; the label is used verbatim.
fn ref_hash(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let out = labeled::ref_hash(cs, v.str("label")?.as_bytes(), &v.bytes("value")?)?;
    ensure_bytes_eq("ref_hash.out", &out, &v.bytes("out")?)
}

/// `ExpandWithLabel(secret, label, context, length) == out`.
fn expand_with_label(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let out = labeled::expand_with_label(
        cs,
        &v.bytes("secret")?,
        v.str("label")?.as_bytes(),
        &v.bytes("context")?,
        v.u16("length")?,
    )?;
    ensure_bytes_eq("expand_with_label.out", out.as_bytes(), &v.bytes("out")?)
}

/// `DeriveSecret(secret, label) == out`.
fn derive_secret(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let out = labeled::derive_secret(cs, &v.bytes("secret")?, v.str("label")?.as_bytes())?;
    ensure_bytes_eq("derive_secret.out", out.as_bytes(), &v.bytes("out")?)
}

/// `DeriveTreeSecret(secret, label, generation, length) == out`.
fn derive_tree_secret(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let out = labeled::derive_tree_secret(
        cs,
        &v.bytes("secret")?,
        v.str("label")?.as_bytes(),
        v.u32("generation")?,
        v.u16("length")?,
    )?;
    ensure_bytes_eq("derive_tree_secret.out", out.as_bytes(), &v.bytes("out")?)
}

/// Their signature verifies; a signature of ours over the same content
/// verifies with their public key (signatures may be randomized, so they are
/// not compared byte for byte).
fn sign_with_label(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let label = v.str("label")?.as_bytes();
    let content = v.bytes("content")?;
    let public_key = v.bytes("pub")?;
    labeled::verify_with_label(cs, &public_key, label, &content, &v.bytes("signature")?)?;
    let private_key = SignaturePrivateKey::from(v.bytes("priv")?);
    ensure_bytes_eq(
        "sign_with_label.pub (derived from priv)",
        &cs.signature_public_key(&private_key)?,
        &public_key,
    )?;
    let signer = SignatureKeyPair::from_private_key(cs, private_key)?;
    let ours = labeled::sign_with_label(cs, &signer, label, &content)?;
    labeled::verify_with_label(cs, &public_key, label, &content, &ours)?;
    Ok(())
}

/// Their ciphertext decrypts to the plaintext; a ciphertext of ours to their
/// public key decrypts with their private key.
fn encrypt_with_label(cs: &dyn CipherSuiteProvider, v: &Case<'_>) -> CaseResult {
    let label = v.str("label")?.as_bytes();
    let context = v.bytes("context")?;
    let plaintext = v.bytes("plaintext")?;
    let public_key = v.bytes("pub")?;
    let private_key = HpkePrivateKey::from(v.bytes("priv")?);
    let theirs = labeled::decrypt_with_label(
        cs,
        &private_key,
        &public_key,
        label,
        &context,
        HpkeCiphertextRef {
            kem_output: &v.bytes("kem_output")?,
            ciphertext: &v.bytes("ciphertext")?,
        },
    )?;
    ensure_bytes_eq("encrypt_with_label.plaintext (theirs)", &theirs, &plaintext)?;
    ensure_bytes_eq(
        "encrypt_with_label.pub (derived from priv)",
        &cs.hpke_public_key(&private_key)?,
        &public_key,
    )?;
    let ours = labeled::encrypt_with_label(cs, &public_key, label, &context, &plaintext)?;
    let back = labeled::decrypt_with_label(
        cs,
        &private_key,
        &public_key,
        label,
        &context,
        ours.as_ref(),
    )?;
    ensure_bytes_eq("encrypt_with_label.plaintext (ours)", &back, &plaintext)
}
