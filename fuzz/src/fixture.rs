//! Fixed inputs shared by the targets: the provider, the receiving
//! client's configuration, and the KeyPackageBundle that the join target's
//! Welcomes are addressed to.

use std::sync::{Arc, OnceLock};

use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{GroupConfig, LoadOptions};
use mls_treekem::FixedClock;

/// The time every target validates lifetimes at. `cargo xtask fuzz`
/// generates every seed's KeyPackages valid from 0 to `u64::MAX`, so a
/// seed never expires and the lifetime checks still run.
pub const NOW: u64 = 1_800_000_000;

/// The KeyPackageBundle (suite 1, basic credential `fuzz-joiner`) whose
/// KeyPackage the `join_welcome` seeds add: [`KeyPackageBundle::to_bytes`]
/// output, written by `cargo xtask fuzz` when missing. It holds private
/// keys made only for fuzzing.
pub const JOIN_BUNDLE: &[u8] = include_bytes!("../fixtures/join.bundle");

/// The provider of every target.
pub fn provider() -> &'static RustCryptoProvider {
    static PROVIDER: OnceLock<RustCryptoProvider> = OnceLock::new();
    PROVIDER.get_or_init(RustCryptoProvider::new)
}

/// The receiving client's configuration: defaults, with the clock at
/// [`NOW`].
pub fn config() -> GroupConfig {
    GroupConfig::builder()
        .clock(Arc::new(FixedClock(NOW)))
        .build()
}

/// The load options of the fixture groups: [`config`]'s clock (the rest of
/// the settings come from the snapshot).
pub fn load_options() -> LoadOptions {
    LoadOptions::default().with_runtime_of(&config())
}

/// [`JOIN_BUNDLE`], decoded once.
pub fn join_bundle() -> &'static KeyPackageBundle {
    static BUNDLE: OnceLock<KeyPackageBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        KeyPackageBundle::from_bytes(provider(), JOIN_BUNDLE)
            .expect("fuzz/fixtures/join.bundle is a KeyPackageBundle (regenerate: delete it and run cargo xtask fuzz)")
    })
}

/// A KeyPackage builder whose KeyPackages (and created groups' leaves)
/// are valid from 0 to `u64::MAX`, so that the lifetime check at [`NOW`]
/// always passes.
pub fn forever() -> mls_group::key_package::KeyPackageBuilder {
    mls_group::key_package::KeyPackageBuilder::new().lifetime(mls_codec::Lifetime {
        not_before: 0,
        not_after: u64::MAX,
    })
}
