//! Our signer against our leaf (RFC 9420 §5.1.2): a signer handed to a
//! join or a load must be the key of our leaf, or everything we sign would
//! fail to verify at the other members.

use mls_codec::LeafNode;
use mls_crypto::{CipherSuiteProvider, Signer};

use crate::{Misuse, Result};

/// Fail with `Misuse::SignerMismatch` unless `signer` signs with the
/// suite's scheme under our leaf's `signature_key`.
pub(crate) fn check_own_signer(
    cs: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    leaf: &LeafNode,
) -> Result<()> {
    check_signer_key(cs, signer, leaf.signature_key.as_slice())
}

/// Fail with `Misuse::SignerMismatch` unless `signer` signs with the
/// suite's scheme under `public_key`.
pub(crate) fn check_signer_key(
    cs: &dyn CipherSuiteProvider,
    signer: &dyn Signer,
    public_key: &[u8],
) -> Result<()> {
    if signer.signature_scheme() != cs.cipher_suite().signature()
        || signer.public_key() != public_key
    {
        return Err(Misuse::SignerMismatch.into());
    }
    Ok(())
}
