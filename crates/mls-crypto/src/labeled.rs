//! The labeled operations of RFC 9420 §5.1.2, §5.1.3, §5.2 and §8.
//!
//! Every label gets the prefix `"MLS 1.0 "` except in [`ref_hash`], whose
//! callers pass the whole label (§5.2).

use tls_codec::{Serialize, VLByteSlice};
use zeroize::Zeroizing;

use crate::{
    CipherSuiteProvider, CryptoError, HpkeCiphertext, HpkeCiphertextRef, HpkePrivateKey, Result,
    Secret, Signer,
};

/// The prefix added to every label (RFC 9420 §5.1.2, §5.1.3, §8).
pub const LABEL_PREFIX: &[u8] = b"MLS 1.0 ";

/// Append `opaque data<V>` (MLS varint length, §2.1.2).
fn push_opaque(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    VLByteSlice(data)
        .tls_serialize(out)
        .map(|_| ())
        .map_err(|_| CryptoError::EncodingFailed)
}

/// `opaque ("MLS 1.0 " + label)<V>`.
fn push_label(out: &mut Vec<u8>, label: &[u8]) -> Result<()> {
    let mut full = Vec::with_capacity(LABEL_PREFIX.len() + label.len());
    full.extend_from_slice(LABEL_PREFIX);
    full.extend_from_slice(label);
    push_opaque(out, &full)
}

/// `ExpandWithLabel(secret, label, context, length)` (§8):
/// `KDF.Expand(secret, KDFLabel, length)` with
/// `KDFLabel = uint16 length || opaque label<V> || opaque context<V>`.
pub fn expand_with_label(
    cs: &dyn CipherSuiteProvider,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    length: u16,
) -> Result<Secret> {
    let mut info = Vec::with_capacity(2 + 1 + LABEL_PREFIX.len() + label.len() + 4 + context.len());
    info.extend_from_slice(&length.to_be_bytes());
    push_label(&mut info, label)?;
    push_opaque(&mut info, context)?;
    cs.kdf_expand(secret, &info, usize::from(length))
}

/// The suite's Nh as the `uint16` length of a KDFLabel.
fn hash_len_u16(cs: &dyn CipherSuiteProvider) -> u16 {
    // Nh is 32, 48 or 64 for every registered suite.
    cs.cipher_suite().hash_len() as u16
}

/// `DeriveSecret(secret, label) = ExpandWithLabel(secret, label, "", Nh)` (§8).
pub fn derive_secret(cs: &dyn CipherSuiteProvider, secret: &[u8], label: &[u8]) -> Result<Secret> {
    expand_with_label(cs, secret, label, &[], hash_len_u16(cs))
}

/// `DeriveTreeSecret(secret, label, generation, length)
///  = ExpandWithLabel(secret, label, uint32 generation, length)` (§9).
pub fn derive_tree_secret(
    cs: &dyn CipherSuiteProvider,
    secret: &[u8],
    label: &[u8],
    generation: u32,
    length: u16,
) -> Result<Secret> {
    expand_with_label(cs, secret, label, &generation.to_be_bytes(), length)
}

/// `SignContent = opaque label<V> || opaque content<V>` with the prefixed label.
fn sign_content(label: &[u8], content: &[u8]) -> Result<Vec<u8>> {
    let mut out = sign_content_header(label, content.len())?;
    out.extend_from_slice(content);
    Ok(out)
}

/// The bytes of `SignContent` (§5.1.2) before its content: the prefixed
/// label as `opaque<V>`, then the length of a content of `content_len`
/// bytes. A caller that holds the content inside a buffer of its own writes
/// these in front of it and verifies the whole with
/// [`CipherSuiteProvider::verify`], instead of copying a received Commit
/// (as large as its UpdatePath) into a new SignContent.
pub fn sign_content_header(label: &[u8], content_len: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1 + LABEL_PREFIX.len() + label.len() + 4);
    push_label(&mut out, label)?;
    tls_codec::vlen::write_length(&mut out, content_len)
        .map_err(|_| CryptoError::EncodingFailed)?;
    Ok(out)
}

/// The longest [`sign_content_header`] of `label`: with the largest
/// content length an MLS varint can carry (2^30 - 1, RFC 9420 §2.1.2).
pub fn sign_content_header_max_len(label: &[u8]) -> Result<usize> {
    Ok(sign_content_header(label, (1 << 30) - 1)?.len())
}

/// `SignWithLabel(key, label, content)` (§5.1.2): the signer signs the
/// encoded `SignContent`.
pub fn sign_with_label(
    cs: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    label: &[u8],
    content: &[u8],
) -> Result<Vec<u8>> {
    signer.sign(cs, &sign_content(label, content)?)
}

/// `VerifyWithLabel(key, label, content, signature)` (§5.1.2).
pub fn verify_with_label(
    cs: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &[u8],
    content: &[u8],
    signature: &[u8],
) -> Result<()> {
    cs.verify(public_key, &sign_content(label, content)?, signature)
}

/// `EncryptContext = opaque label<V> || opaque context<V>` with the prefixed label.
fn encrypt_context(label: &[u8], context: &[u8]) -> Result<Vec<u8>> {
    sign_content(label, context)
}

/// `EncryptWithLabel(public_key, label, context, plaintext)` (§5.1.3):
/// HPKE SealBase with `info = EncryptContext` and empty AAD.
pub fn encrypt_with_label(
    cs: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &[u8],
    context: &[u8],
    plaintext: &[u8],
) -> Result<HpkeCiphertext> {
    cs.hpke_seal(
        public_key,
        &encrypt_context(label, context)?,
        &[],
        plaintext,
    )
}

/// `EncryptWithLabel` as [`encrypt_with_label`], its encapsulation
/// randomness generated from `seed` (see
/// [`CipherSuiteProvider::hpke_seal_with_seed`]): for the many seals of one
/// Commit spread over the cores with the same bytes for any thread count.
pub fn encrypt_with_label_seeded(
    cs: &dyn CipherSuiteProvider,
    public_key: &[u8],
    label: &[u8],
    context: &[u8],
    plaintext: &[u8],
    seed: &[u8],
) -> Result<HpkeCiphertext> {
    cs.hpke_seal_with_seed(
        public_key,
        &encrypt_context(label, context)?,
        &[],
        plaintext,
        seed,
    )
}

/// The `EncryptContext` of [`encrypt_with_label`] prepared once for many
/// seals ([`CipherSuiteProvider::hpke_prepare_info`]), e.g. the Welcome's
/// `encrypted_group_info` sealed to every new member (§12.4.3.1).
pub fn prepare_encrypt_context(
    cs: &dyn CipherSuiteProvider,
    label: &[u8],
    context: &[u8],
) -> Result<crate::HpkeInfo> {
    cs.hpke_prepare_info(encrypt_context(label, context)?)
}

/// [`encrypt_with_label_seeded`] with a context made by
/// [`prepare_encrypt_context`]: the same ciphertext for the same seed.
pub fn encrypt_with_label_prepared(
    cs: &dyn CipherSuiteProvider,
    public_key: &[u8],
    context: &crate::HpkeInfo,
    plaintext: &[u8],
    seed: &[u8],
) -> Result<HpkeCiphertext> {
    cs.hpke_seal_prepared_with_seed(public_key, context, &[], plaintext, seed)
}

/// `DecryptWithLabel(private_key, label, context, kem_output, ciphertext)`
/// (§5.1.3), given the recipient's public key too (see
/// [`CipherSuiteProvider::hpke_open`]).
pub fn decrypt_with_label(
    cs: &dyn CipherSuiteProvider,
    private_key: &HpkePrivateKey,
    public_key: &[u8],
    label: &[u8],
    context: &[u8],
    ciphertext: HpkeCiphertextRef<'_>,
) -> Result<Zeroizing<Vec<u8>>> {
    cs.hpke_open(
        private_key,
        public_key,
        &encrypt_context(label, context)?,
        &[],
        ciphertext,
    )
}

/// `RefHash(label, value) = Hash(opaque label<V> || opaque value<V>)` (§5.2).
/// The label is used as given: no prefix is added.
pub fn ref_hash(cs: &dyn CipherSuiteProvider, label: &[u8], value: &[u8]) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(label.len() + value.len() + 8);
    push_opaque(&mut input, label)?;
    push_opaque(&mut input, value)?;
    Ok(cs.hash(&input))
}

/// The label of KeyPackage references (§5.2).
pub const KEY_PACKAGE_REF_LABEL: &[u8] = b"MLS 1.0 KeyPackage Reference";
/// The label of proposal references (§5.2).
pub const PROPOSAL_REF_LABEL: &[u8] = b"MLS 1.0 Proposal Reference";

/// `MakeKeyPackageRef(value)` over the serialized KeyPackage (without any
/// MLSMessage header) (§5.2).
pub fn make_key_package_ref(cs: &dyn CipherSuiteProvider, key_package: &[u8]) -> Result<Vec<u8>> {
    ref_hash(cs, KEY_PACKAGE_REF_LABEL, key_package)
}

/// `MakeProposalRef(value)` over the serialized AuthenticatedContent that
/// carried the proposal (§5.2).
pub fn make_proposal_ref(
    cs: &dyn CipherSuiteProvider,
    authenticated_content: &[u8],
) -> Result<Vec<u8>> {
    ref_hash(cs, PROPOSAL_REF_LABEL, authenticated_content)
}

/// Verify a MAC in constant time, checking its length first (G-40):
/// `MAC(key, data) == tag`, else `InvalidMac`.
pub fn verify_mac(cs: &dyn CipherSuiteProvider, key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
    let expected = Zeroizing::new(cs.mac(key, data));
    if crate::secret::ct_eq(&expected, tag) {
        Ok(())
    } else {
        Err(CryptoError::InvalidMac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_content_layout_matches_rfc() {
        let bytes = sign_content(b"X", &[1, 2]).expect("small input encodes");
        // len(9) "MLS 1.0 X" len(2) 01 02
        let mut want = vec![9];
        want.extend_from_slice(b"MLS 1.0 X");
        want.extend_from_slice(&[2, 1, 2]);
        assert_eq!(bytes, want);
    }
}
