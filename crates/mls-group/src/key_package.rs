//! KeyPackages (RFC 9420 §10): creation, validation, references.
//!
//! - [`KeyPackageBuilder`] creates a KeyPackage and its private half, a
//!   [`KeyPackageBundle`] (init private key, leaf encryption private key,
//!   signature private key; all zeroized on drop). The LeafNode has source
//!   `key_package`, is signed over `LeafNodeTBS`, and the KeyPackage over
//!   `KeyPackageTBS` (§7.2, §10). The init key is a fresh HPKE key distinct
//!   from the leaf encryption key (§10.1). Capabilities never list the
//!   default extension and proposal types (§7.2) and always list every
//!   non-default extension type the KeyPackage or its leaf carries (§10);
//!   GREASE values (§13.5) are added only when asked for.
//! - [`validate_key_package`] checks a received KeyPackage against a group's
//!   suite and version (§10.1), with leaf validation (§7.3) delegated to
//!   `mls_treekem::validate_leaf_node` in the KeyPackage context; lifetime
//!   checks use the injectable clock of [`KeyPackageValidation::leaf_policy`]
//!   and can be switched off. [`validate_key_package_message`] adds the
//!   MLSMessage version rule (V-10-03) and picks the suite from a
//!   [`CryptoProvider`](mls_crypto::CryptoProvider).
//! - [`KeyPackageRef`] is `MakeKeyPackageRef` over the serialized KeyPackage
//!   (§5.2).
//! - [`KeyPackagePool`] keeps our bundles by reference: ordinary ones are
//!   deleted when used, one last-resort KeyPackage is reusable and rotated
//!   (§16.8); it replenishes and expires KeyPackages.
//!
//! Last-resort KeyPackages (RFC 9420 §10, §16.8) are allowed to be reused.
//! RFC 9420 defines no marker for them; the `last_resort_key_package`
//! extension comes from draft-ietf-mls-extensions (type `0x000A` in
//! draft -05, [`LAST_RESORT_DRAFT_EXTENSION_TYPE`]). The builder takes the
//! extension type as an application choice
//! ([`KeyPackageBuilder::last_resort_with_type`]) and treats it like any
//! other non-default KeyPackage extension (empty data, listed in the
//! capabilities).
//!
//! ```
//! use mls_codec::Credential;
//! use mls_crypto::{CipherSuite, CryptoProvider};
//! use mls_crypto_rustcrypto::RustCryptoProvider;
//! use mls_group::key_package::{KeyPackageBuilder, KeyPackageValidation, validate_key_package};
//!
//! let provider = RustCryptoProvider::with_seed([1; 32]);
//! let cs = provider
//!     .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
//!     .expect("suite 1");
//! let signer = cs.signature_generate_key_pair()?;
//! let bundle = KeyPackageBuilder::new().build(&*cs, Credential::basic(b"alice".to_vec()), &signer)?;
//!
//! // A group member receiving it (e.g. in an Add) checks it against the group's suite.
//! let reference = validate_key_package(&*cs, bundle.key_package(), &KeyPackageValidation::default())?;
//! assert_eq!(&reference, bundle.reference());
//! # Ok::<(), mls_group::GroupError>(())
//! ```

mod bundle;
mod create;
mod pool;
mod reference;
mod validate;

pub use bundle::KeyPackageBundle;
pub use create::{
    DEFAULT_KEY_PACKAGE_LIFETIME, KEY_PACKAGE_TBS_LABEL, KeyPackageBuilder,
    LAST_RESORT_DRAFT_EXTENSION_TYPE, check_signer, sign_key_package, sign_leaf_node,
};
pub use pool::KeyPackagePool;
pub use reference::{KeyPackageRef, reencoded_twin};
pub use validate::{
    KeyPackageValidation, validate_key_package, validate_key_package_message,
    verify_key_package_signature,
};
