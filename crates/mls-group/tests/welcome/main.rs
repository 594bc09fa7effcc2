//! Welcome creation and opening (RFC 9420 §12.4.3, §12.4.3.1): a round trip
//! per suite, and every rejection with its exact error.

mod hand_made;
mod opening;
mod rejections;

use opening::simple;

use std::sync::Arc;

use mls_codec::{
    CipherSuiteId, Credential, EncryptedGroupSecrets, Extension, ExtensionType, GroupContext,
    GroupInfo, GroupSecrets, HpkeCiphertext, PathSecret, PreSharedKeyId, ProtocolVersion, Psk,
    RatchetTreeExtension, ResumptionPskUsage, VLBytes, Welcome,
};
use mls_crypto::labeled::encrypt_with_label;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, Secret, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle, KeyPackageRef};
use mls_group::welcome::{
    WelcomeRecipient, create_welcome, open_welcome, sign_group_info, verify_group_info_signature,
};
use mls_group::{GroupError, KeyPackageError, Misuse, Rejection, WelcomeError};
use mls_keyschedule::{
    CommitSecret, EpochKeys, InMemoryPskStore, InitSecret, InterimTranscriptHash, PskSecret,
    ResumptionPsk,
};
use mls_treekem::{RatchetTree, TreeView};

/// The committer's side of a new epoch: the GroupInfo, its key schedule,
/// and the committer's signature key.
struct Epoch {
    cs: Arc<dyn CipherSuiteProvider>,
    committer: SignatureKeyPair,
    committer_bundle: KeyPackageBundle,
    group_info: GroupInfo,
    keys: EpochKeys,
    psks: Vec<PreSharedKeyId>,
}

/// Which error a rejection case expects.
type Expect = fn(&GroupError) -> bool;

fn provider() -> RustCryptoProvider {
    RustCryptoProvider::with_seed([9; 32])
}

fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> (KeyPackageBundle, SignatureKeyPair) {
    let signer = cs.signature_generate_key_pair().expect("key pair");
    let b = KeyPackageBuilder::new()
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .expect("builds");
    (b, signer)
}

fn context(cs: &dyn CipherSuiteProvider, epoch: u64) -> GroupContext {
    let nh = cs.cipher_suite().hash_len();
    GroupContext {
        version: ProtocolVersion::MLS10,
        cipher_suite: CipherSuiteId(cs.cipher_suite().id()),
        group_id: VLBytes::new(b"group".to_vec()),
        epoch,
        tree_hash: VLBytes::new(vec![0x11; nh]),
        confirmed_transcript_hash: VLBytes::new(vec![0x22; nh]),
        extensions: vec![],
    }
}

/// A new epoch with the given PSKs (values from `store`), GroupContext
/// changes applied by `edit`, and the GroupInfo extensions `extensions`.
fn epoch_with(
    cs: Arc<dyn CipherSuiteProvider>,
    psks: Vec<PreSharedKeyId>,
    store: &InMemoryPskStore,
    edit: impl FnOnce(&mut GroupContext),
    extensions: Vec<Extension>,
    tag_override: Option<Vec<u8>>,
) -> Epoch {
    let (committer_bundle, committer) = bundle(&*cs, "committer");
    let mut gc = context(&*cs, 5);
    edit(&mut gc);
    let gc_bytes = mls_codec::encode(&gc).expect("encodes");
    let psk_secret = PskSecret::resolve(&*cs, &psks, store).expect("PSKs known");
    let keys = EpochKeys::derive(
        &*cs,
        InitSecret::random(&*cs).expect("random"),
        CommitSecret::zero(&*cs),
        psk_secret,
        &gc_bytes,
    )
    .expect("key schedule");
    let tag = tag_override.unwrap_or_else(|| {
        keys.secrets
            .confirmation_key
            .tag(&*cs, gc.confirmed_transcript_hash.as_slice())
    });
    let group_info = sign_group_info(&*cs, &committer, gc, extensions, tag, 0).expect("signs");
    Epoch {
        cs,
        committer,
        committer_bundle,
        group_info,
        keys,
        psks,
    }
}

fn epoch(cs: Arc<dyn CipherSuiteProvider>) -> Epoch {
    epoch_with(cs, vec![], &InMemoryPskStore::new(), |_| {}, vec![], None)
}

fn welcome_for(e: &Epoch, recipients: &[WelcomeRecipient<'_>]) -> Welcome {
    create_welcome(
        &*e.cs,
        &e.group_info,
        &e.keys.joiner_secret,
        &e.keys.welcome_secret,
        &e.psks,
        recipients,
    )
    .expect("creates")
}

fn suite1(p: &RustCryptoProvider) -> Arc<dyn CipherSuiteProvider> {
    p.cipher_suite_provider(CipherSuite::ALL[0])
        .expect("suite 1")
}

fn external_psk(cs: &dyn CipherSuiteProvider, id: &[u8]) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::External {
            psk_id: VLBytes::new(id.to_vec()),
        },
        psk_nonce: VLBytes::new(vec![7; cs.cipher_suite().hash_len()]),
    }
}

fn resumption_psk(
    cs: &dyn CipherSuiteProvider,
    usage: ResumptionPskUsage,
    epoch: u64,
) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::Resumption {
            usage,
            psk_group_id: VLBytes::new(b"old".to_vec()),
            psk_epoch: epoch,
        },
        psk_nonce: VLBytes::new(vec![8; cs.cipher_suite().hash_len()]),
    }
}
