//! Creating a one-member group (RFC 9420 §11, C-11-01, V-11-02).

use std::collections::VecDeque;
use std::sync::Arc;

use mls_codec::{CipherSuiteId, Credential, Extension, GroupContext, ProtocolVersion, VLBytes};
use mls_crypto::{CipherSuiteProvider, Signer};
use mls_keyschedule::{ConfirmedTranscriptHash, EpochSecret, InterimTranscriptHash};
use mls_treekem::{LeafIndex, RatchetTree, TreePrivateKeys};
use tracing::info_span;

use super::Group;
use super::epoch::EpochState;
use crate::key_package::{KeyPackageBuilder, KeyPackageBundle};
use crate::proposals::ProposalCache;
use crate::{GroupConfig, GroupError, Misuse, ProposalError, Result};

/// Options of [`Group::create`].
#[derive(Clone, Debug, Default)]
pub struct CreateOptions {
    /// The group id; `None` draws `KDF.Nh` random bytes (RFC 9420 §11,
    /// V-11-02).
    pub group_id: Option<Vec<u8>>,
    /// The initial GroupContext extensions (e.g. `required_capabilities`,
    /// `external_senders`).
    pub extensions: Vec<Extension>,
    /// How our leaf is made: its capabilities, lifetime and leaf
    /// extensions (the same settings as a KeyPackage's, RFC 9420 §7.2).
    pub leaf: KeyPackageBuilder,
}

impl Group {
    /// Create a group with one member, us (RFC 9420 §11), from our identity:
    /// `credential` and the signature key `signer` (in memory, e.g. a
    /// [`mls_crypto::SignatureKeyPair`], or in an HSM; GUIDANCE G-42) of the
    /// suite of `cs`. The group keeps the signer for everything it signs.
    /// Our leaf gets a fresh encryption key and the capabilities of
    /// `options.leaf`; the group starts at epoch 0 with a random epoch
    /// secret, an empty confirmed transcript hash, and the interim hash of
    /// the first confirmation tag.
    pub fn create(
        cs: Arc<dyn CipherSuiteProvider>,
        credential: Credential,
        signer: Arc<dyn Signer>,
        config: GroupConfig,
        options: CreateOptions,
    ) -> Result<Self> {
        crate::key_package::check_signer(cs.as_ref(), signer.as_ref())?;
        // The leaf of a KeyPackage of ours is exactly the leaf RFC 9420 §11
        // asks for; its init key is not used.
        // RFC 9420 §13: our leaf lists the application's registered types.
        let bundle = options.leaf.clone().advertise(&config.custom).build(
            cs.as_ref(),
            credential,
            signer.as_ref(),
        )?;
        Self::create_with_bundle(cs, &bundle, signer, config, options)
    }

    /// [`Group::create`] with our leaf taken from `bundle` (whose suite must
    /// be the one of `cs`, signed by `signer`).
    fn create_with_bundle(
        cs: Arc<dyn CipherSuiteProvider>,
        bundle: &KeyPackageBundle,
        signer: Arc<dyn Signer>,
        config: GroupConfig,
        options: CreateOptions,
    ) -> Result<Self> {
        let span = info_span!("mls.create", epoch = 0u64, members = 1usize);
        let _guard = span.enter();
        let kp = bundle.key_package();
        let suite = cs.cipher_suite().id();
        if kp.cipher_suite.0 != suite {
            return Err(Misuse::UnsupportedCipherSuite(kp.cipher_suite.0).into());
        }
        check_group_extensions(&config.leaf_policy(), &options.extensions)?;
        let group_id = match options.group_id {
            Some(id) => id,
            None => cs.random_bytes(cs.cipher_suite().hash_len())?,
        };
        let leaf_node = kp.leaf_node.clone();
        if let Err(why) = crate::proposals::leaf_supports(&leaf_node, &options.extensions) {
            return Err(ProposalError::MissingCapability(why).into());
        }
        let mut tree = RatchetTree::new(leaf_node);
        let tree_hash = tree.tree_hash(cs.as_ref())?;
        let context = GroupContext {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(suite),
            group_id: VLBytes::new(group_id),
            epoch: 0,
            tree_hash: VLBytes::new(tree_hash),
            confirmed_transcript_hash: VLBytes::new(Vec::new()),
            extensions: options.extensions,
        };
        let secrets = EpochSecret::random(cs.as_ref())?.derive_secrets(cs.as_ref())?;
        let confirmed = ConfirmedTranscriptHash::empty();
        let confirmation_tag = secrets
            .confirmation_key
            .tag(cs.as_ref(), confirmed.as_bytes());
        let interim = InterimTranscriptHash::next(cs.as_ref(), &confirmed, &confirmation_tag)?;
        let epoch = EpochState::new(secrets, 1, config.secret_tree)?;
        let own = LeafIndex::new(0).map_err(|_| GroupError::Internal("leaf 0"))?;
        Ok(Group {
            private: TreePrivateKeys::new(own, bundle.encryption_private_key().clone()),
            signer,
            cs,
            config,
            context,
            tree,
            interim,
            confirmation_tag,
            epoch,
            past: VecDeque::new(),
            proposals: ProposalCache::default(),
            pending: None,
            active: true,
            reinit: None,
        })
    }
}

/// GroupContext extensions: no type twice, none that belongs elsewhere
/// (RFC 9420 §13.4, §17.3; V-13.4-01, V-17.3-01), `external_senders`
/// credentials the validator accepts (§12.1.8.1, V-5.3.1-06).
pub(crate) fn check_group_extensions(
    leaf_policy: &mls_treekem::LeafValidationPolicy,
    extensions: &[Extension],
) -> Result<()> {
    crate::proposals::check_group_context_extensions(leaf_policy, extensions)
}
