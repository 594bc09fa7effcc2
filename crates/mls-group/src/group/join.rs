//! Joining a group from a Welcome (RFC 9420 §12.4.3.1). The cryptographic
//! half (GroupSecrets, GroupInfo, confirmation tag, signature) is done by
//! [`crate::welcome`]; here: the ratchet tree (extension or out of band) is
//! validated in full (`mls_treekem::validate_tree`: tree hash, parent
//! hashes, leaves, unmerged leaves, key uniqueness), our leaf is found, and
//! the path secret's keys are checked against the tree.

use std::collections::VecDeque;
use std::sync::Arc;

use mls_codec::{MlsMessage, WireFormat};
use mls_crypto::{CryptoProvider, Signer};
use mls_keyschedule::{InMemoryPskStore, PskStore};
use mls_treekem::{LeafIndex, NodeIndex, RatchetTree, TreePrivateKeys, TreeView};
use tracing::info_span;

use super::Group;
use super::epoch::EpochState;
use super::signer::check_own_signer;
use crate::key_package::{KeyPackageBundle, KeyPackageRef};
use crate::proposals::ProposalCache;
use crate::welcome::{KeyPackageLookup, open_welcome_with_limits};
use crate::{FramingError, GroupConfig, Misuse, Result, WelcomeError};

/// Options of [`Group::join`].
#[derive(Clone, Debug, Default)]
pub struct JoinOptions {
    /// The ratchet tree handed over out of band, when the GroupInfo has no
    /// `ratchet_tree` extension (RFC 9420 §12.4.3.3).
    pub ratchet_tree: Option<mls_codec::RatchetTree>,
    /// The signer of the KeyPackage the Welcome was sent to. `None` uses
    /// the private key kept in its bundle; a signer whose key is not
    /// exportable (an HSM, GUIDANCE G-42) must be given here, or the join
    /// fails with [`Misuse::SignerRequired`](crate::Misuse::SignerRequired).
    pub signer: Option<Arc<dyn Signer>>,
}

impl JoinOptions {
    /// Join with this signer (see [`JoinOptions::signer`]).
    pub fn with_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Join with this ratchet tree, handed over out of band.
    pub fn with_ratchet_tree(mut self, tree: mls_codec::RatchetTree) -> Self {
        self.ratchet_tree = Some(tree);
        self
    }
}

/// The lowest common ancestor of two different leaves.
fn common_ancestor(tree: &RatchetTree, a: LeafIndex, b: LeafIndex) -> Option<NodeIndex> {
    tree.size()
        .direct_path_iter(a.node())
        .ok()?
        .find(|n| n.leaf_span().is_some_and(|(lo, hi)| lo <= b && b <= hi))
}

impl Group {
    /// Join from a Welcome (the MLSMessage that the committer's
    /// [`crate::CommitOutput::welcome`] carries) with one of our
    /// KeyPackages, without PSKs. Returns the group and the reference of the
    /// KeyPackage used: delete that bundle now unless it is last-resort
    /// (RFC 9420 §16.8, V-12.4.3.1-23). Any other wire format fails with
    /// [`FramingError::WrongWireFormat`](crate::FramingError::WrongWireFormat).
    pub fn join<L>(
        provider: &dyn CryptoProvider,
        welcome: &MlsMessage,
        key_packages: &L,
        config: GroupConfig,
        options: JoinOptions,
    ) -> Result<(Group, KeyPackageRef)>
    where
        L: KeyPackageLookup<Entry = KeyPackageBundle> + ?Sized,
    {
        Self::join_with_psks(
            provider,
            welcome,
            key_packages,
            &InMemoryPskStore::new(),
            config,
            options,
        )
    }

    /// Join from a Welcome message (RFC 9420 §12.4.3.1); PSKs named in the
    /// GroupSecrets are looked up in `psk_store`.
    pub fn join_with_psks<L, P>(
        provider: &dyn CryptoProvider,
        welcome: &MlsMessage,
        key_packages: &L,
        psk_store: &P,
        config: GroupConfig,
        options: JoinOptions,
    ) -> Result<(Group, KeyPackageRef)>
    where
        L: KeyPackageLookup<Entry = KeyPackageBundle> + ?Sized,
        P: PskStore + ?Sized,
    {
        Self::join_listing_psks(provider, welcome, key_packages, psk_store, config, options)
            .map(|(group, used, _psks)| (group, used))
    }

    /// [`Group::join_with_psks`], also returning the PSKs the Welcome
    /// injected (for the reinit and branch checks of RFC 9420 §11.2, §11.3).
    pub(crate) fn join_listing_psks<L, P>(
        provider: &dyn CryptoProvider,
        welcome: &MlsMessage,
        key_packages: &L,
        psk_store: &P,
        config: GroupConfig,
        options: JoinOptions,
    ) -> Result<(Group, KeyPackageRef, Vec<mls_codec::PreSharedKeyId>)>
    where
        L: KeyPackageLookup<Entry = KeyPackageBundle> + ?Sized,
        P: PskStore + ?Sized,
    {
        let span = info_span!(
            "mls.join",
            epoch = tracing::field::Empty,
            members = tracing::field::Empty,
            welcome_bytes = mls_codec::tls_codec::Size::tls_serialized_len(welcome),
        );
        let _guard = span.enter();
        let welcome = welcome.as_welcome().ok_or(FramingError::WrongWireFormat {
            expected: WireFormat::WELCOME,
            actual: welcome.wire_format(),
        })?;
        let decrypted = open_welcome_with_limits(
            provider,
            welcome,
            key_packages,
            psk_store,
            config.decode_limits,
        )?;
        let cs = decrypted.cipher_suite_provider().clone();
        let context = decrypted.group_info().group_context.clone();
        span.record("epoch", context.epoch);

        // RFC 9420 §13 (V-13-03): the application's own extension types in
        // the GroupInfo and its GroupContext.
        for (container, list) in [
            (
                mls_codec::ExtensionContainer::GroupInfo,
                &decrypted.group_info().extensions,
            ),
            (
                mls_codec::ExtensionContainer::GroupContext,
                &context.extensions,
            ),
        ] {
            crate::custom::check_custom_extensions(&config.leaf_policy(), container, list)
                .map_err(
                    |(extension_type, reason)| WelcomeError::CustomExtensionRefused {
                        extension_type,
                        reason,
                    },
                )?;
        }

        // §12.4.3.1: the tree, from the extension or out of band (V-12.4.3.1-10).
        let wire = match decrypted.ratchet_tree_extension()? {
            Some(tree) => tree,
            None => options
                .ratchet_tree
                .ok_or(WelcomeError::MissingRatchetTree)?,
        };
        let tree = crate::welcome::import_tree(cs.as_ref(), &context, wire, &config)?;
        // §12.1.8.1, §5.3.1: the external senders we would accept
        // proposals from have credentials we accept (V-5.3.1-06).
        crate::proposals::check_external_senders(&config.leaf_policy(), &context.extensions)?;
        // §12.4.3.1: the GroupInfo signature under the signer's leaf.
        let secrets = decrypted.verify_signature_with_tree(&tree)?;
        // §12.4.3.1: our leaf is in the tree (V-12.4.3.1-19).
        let me = tree
            .find_leaf(&secrets.key_package.leaf_node)
            .ok_or(WelcomeError::OwnLeafNotInTree)?;
        // §7.3 (V-7.3-10/11): our own KeyPackage's lifetime is checked even
        // when the other leaves' lifetimes are advisory (GUIDANCE G-27).
        check_own_lifetime(&config, &secrets.key_package.leaf_node, me)?;
        let bundle = key_packages
            .find(&secrets.key_package_ref)
            .ok_or(WelcomeError::NoMatchingKeyPackage)?;
        let signer: Arc<dyn Signer> = match options.signer {
            Some(signer) => signer,
            None => Arc::new(bundle.signer().ok_or(Misuse::SignerRequired)?),
        };
        check_own_signer(cs.as_ref(), signer.as_ref(), &secrets.key_package.leaf_node)?;
        let mut private = TreePrivateKeys::new(me, bundle.encryption_private_key().clone());
        // §12.4.3.1: keys from the path secret match the tree (V-12.4.3.1-20).
        if let Some(path_secret) = &secrets.path_secret {
            let signer = LeafIndex::new(secrets.group_info.signer)
                .map_err(|_| WelcomeError::GroupInfoSignerNotInTree(secrets.group_info.signer))?;
            let lca = common_ancestor(&tree, me, signer).ok_or(WelcomeError::PathSecretInvalid(
                mls_treekem::TreeKemError::NotAReceiver { leaf: me.get() },
            ))?;
            let changes = TreePrivateKeys::changes_from_path_secret(
                &tree,
                cs.as_ref(),
                lca,
                path_secret.as_bytes(),
            )
            .map_err(WelcomeError::PathSecretInvalid)?;
            private.apply(changes);
        }
        let epoch = EpochState::new(
            secrets.epoch_keys.secrets,
            tree.leaf_count(),
            config.secret_tree,
        )?;
        let group = Group {
            signer,
            cs,
            config,
            context,
            tree,
            private,
            interim: secrets.interim_transcript_hash,
            confirmation_tag: secrets.group_info.confirmation_tag.as_slice().to_vec(),
            epoch,
            past: VecDeque::new(),
            proposals: ProposalCache::default(),
            pending: None,
            active: true,
            reinit: None,
        };
        span.record("members", group.member_count());
        Ok((group, secrets.key_package_ref, secrets.psks))
    }
}

/// RFC 9420 §7.3 (V-7.3-10/11): the joiner's own leaf, from its KeyPackage,
/// is inside its lifetime at the group's clock (unless
/// [`GroupConfig::lifetime_checks`] is off). The lifetimes of the other
/// leaves of a joined tree are only checked when
/// [`GroupConfig::joined_tree_lifetime_checks`] asks for it (GUIDANCE
/// G-27: members may be offline for long).
fn check_own_lifetime(
    config: &GroupConfig,
    leaf: &mls_codec::LeafNode,
    me: LeafIndex,
) -> Result<()> {
    if !config.lifetime_checks {
        return Ok(());
    }
    if let mls_codec::LeafNodeSource::KeyPackage(lifetime) = &leaf.leaf_node_source {
        let now = config.clock.now();
        if now < lifetime.not_before || now > lifetime.not_after {
            return Err(
                WelcomeError::InvalidTree(mls_treekem::TreeKemError::LifetimeExpired {
                    leaf: Some(me.get()),
                    now,
                })
                .into(),
            );
        }
    }
    Ok(())
}
