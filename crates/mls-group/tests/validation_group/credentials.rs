//! Credentials (RFC 9420 §5.3.1) and credential types (§7.3).

use super::*;

// ---- §5.3.1 credentials, §7.3 credential types -------------------------------

/// A credential validator that refuses the basic identity `evil` and
/// accepts everything else (including non-basic types).
struct DenyEvil;

impl mls_treekem::CredentialValidator for DenyEvil {
    fn accept(&self, credential: &Credential, _signature_key: &[u8]) -> bool {
        !matches!(credential, Credential::Basic { identity } if identity.as_slice() == b"evil")
    }
}

pub(crate) fn deny_evil() -> GroupConfig {
    GroupConfig {
        credential_validator: Arc::new(DenyEvil),
        ..GroupConfig::default()
    }
}

pub(crate) fn caps_with_credentials(credentials: &[u16]) -> Capabilities {
    Capabilities {
        credentials: credentials
            .iter()
            .map(|c| mls_codec::CredentialType(*c))
            .collect(),
        ..caps_with_extension(0xff00)
    }
}

/// A KeyPackage with `credential` and `capabilities`.
pub(crate) fn key_package_with(
    cs: &dyn CipherSuiteProvider,
    credential: Credential,
    capabilities: Capabilities,
) -> KeyPackage {
    let signer = cs.signature_generate_key_pair().unwrap();
    KeyPackageBuilder::new()
        .capabilities(capabilities)
        .build(cs, credential, &signer)
        .unwrap()
        .key_package()
        .clone()
}

/// A KeyPackage with a credential of the private type 0xff90, supporting
/// types 1 and 0xff90.
fn custom_key_package(cs: &dyn CipherSuiteProvider) -> KeyPackage {
    key_package_with(
        cs,
        Credential::Unknown {
            credential_type: 0xff90,
            data: VLBytes::new(b"custom".to_vec()),
        },
        caps_with_credentials(&[1, 0xff90]),
    )
}

/// V-5.3.1-01: the member refuses to build an Add of a rejected credential.
#[test]
fn v5_3_1_01_refuse_to_add_a_rejected_credential() {
    let mut w = World::with_caps(80, 2, None, deny_evil());
    let kp = bundle(w.cs.as_ref(), "evil").key_package().clone();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .propose()
        .add(kp.clone())
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    let err = w.members[0]
        .commit_builder()
        .proposals(vec![add(&kp)])
        .build()
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
}

/// V-5.3.1-03, V-7.3-01: a received Add (standalone or in a Commit) of a
/// credential the AS rejects.
#[test]
fn v5_3_1_03_received_add_of_a_rejected_credential() {
    let mut w = World::with_caps(81, 2, None, deny_evil());
    let kp = bundle(w.cs.as_ref(), "evil").key_package().clone();
    for m in [
        w.forge(0, FramedContentBody::Proposal(add(&kp))),
        w.forge_commit(0, vec![val(add(&kp))], None),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::KeyPackage(KeyPackageError::LeafInvalid(
                    TreeKemError::CredentialRejected { .. }
                )))
            ),
            "{err}"
        );
    }
}

/// V-5.3.1-04: an Update whose new credential the AS rejects.
#[test]
fn v5_3_1_04_update_with_a_rejected_credential() {
    let mut w = World::with_caps(82, 3, None, deny_evil());
    let mut leaf = update_leaf(&w, 1, &w.signers[1].clone(), 1);
    leaf.credential = Credential::basic(b"evil".to_vec());
    sign_leaf_node(
        w.cs.as_ref(),
        &w.signers[1],
        &mut leaf,
        w.members[1].group_id(),
        1,
    )
    .unwrap();
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::UpdateLeafInvalid(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_01), "{err}");
}

/// V-5.3.1-05: a Commit whose path leaf carries a rejected credential.
#[test]
fn v5_3_1_05_path_leaf_with_a_rejected_credential() {
    let mut w = World::with_caps(83, 3, None, deny_evil());
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node.credential = Credential::basic(b"evil".to_vec());
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::InvalidTree(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
}

/// V-5.3.1-02, V-12.4.3.1-13: joining a group whose tree holds a credential
/// the joiner's AS rejects.
#[test]
fn v5_3_1_02_join_with_a_rejected_credential_in_the_tree() {
    let (provider, cs) = provider_and_suite(84);
    let creator = bundle(cs.as_ref(), "evil");
    let mut g = create_as(&cs, &creator, GroupConfig::default());
    let b = bundle(cs.as_ref(), "x");
    let out = g
        .commit_builder()
        .proposals(vec![add(b.key_package())])
        .build()
        .unwrap();
    let err = Group::join(
        &provider,
        out.welcome.as_ref().unwrap(),
        &vec![b],
        deny_evil(),
        JoinOptions::default(),
    )
    .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::CredentialRejected { .. }
            )))
        ),
        "{err}"
    );
}

/// V-7.3-06, V-13.3-01: an Add whose credential type a member does not
/// support.
#[test]
fn v7_3_06_credential_type_not_supported_by_members() {
    let config = GroupConfig {
        credential_validator: Arc::new(DenyEvil),
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(85, 2, None, config);
    let kp = custom_key_package(w.cs.as_ref());
    let m = w.forge_commit(0, vec![val(add(&kp))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CredentialTypeUnsupportedByMember {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
}

/// V-7.3-07: an Add whose capabilities lack a credential type a member uses.
#[test]
fn v7_3_07_new_member_lacks_a_members_credential_type() {
    let mut w = World::with_caps(
        86,
        2,
        Some(caps_with_credentials(&[1, 0xff90])),
        deny_evil(),
    );
    let custom = custom_key_package(w.cs.as_ref());
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(&custom)])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    let basic_only = key_package_with(
        w.cs.as_ref(),
        Credential::basic(b"b".to_vec()),
        caps_with_credentials(&[1]),
    );
    let m = w.forge_commit(0, vec![val(add(&basic_only))], None);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::MemberCredentialTypeUnsupported {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
}

/// GUIDANCE G-27, RFC 9420 §7.3 (RECOMMENDED for received leaves): a tree
/// holding another member's expired leaf is joined with the default
/// configuration; `joined_tree_lifetime_checks` makes the check strict.
#[test]
fn g27_expired_leaf_of_another_member_does_not_block_a_join() {
    let lenient = GroupConfig::without_lifetime_checks();
    let mut w = World::with_caps(90, 1, None, lenient.clone());
    let expired = {
        let signer = w.cs.signature_generate_key_pair().unwrap();
        KeyPackageBuilder::new()
            .lifetime(mls_codec::Lifetime {
                not_before: 1,
                not_after: 2,
            })
            .build(w.cs.as_ref(), Credential::basic(b"old".to_vec()), &signer)
            .unwrap()
    };
    let out = w.members[0]
        .commit_builder()
        .proposals(vec![add(expired.key_package())])
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let fresh = bundle(w.cs.as_ref(), "fresh");
    let out2 = w.members[0]
        .commit_builder()
        .proposals(vec![add(fresh.key_package())])
        .build()
        .unwrap();
    drop(out);
    w.members[0].merge_pending_commit().unwrap();
    let welcome = out2.welcome.unwrap();
    let strict = GroupConfig::builder()
        .joined_tree_lifetime_checks(true)
        .build();
    let err = Group::join(
        &w.provider,
        &welcome,
        &vec![fresh.clone()],
        strict,
        JoinOptions::default(),
    )
    .expect_err("strict");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::InvalidTree(
                TreeKemError::LifetimeExpired { leaf: Some(1), .. }
            )))
        ),
        "{err}"
    );
    let (joined, _) = Group::join(
        &w.provider,
        &welcome,
        &vec![fresh],
        GroupConfig::default(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(joined.member_count(), 3);
    assert_eq!(
        joined.epoch_authenticator(),
        w.members[0].epoch_authenticator()
    );
}

/// Accepts every credential: the join test below is about credential
/// types, not about which credentials the application trusts.
struct AcceptAll;

impl mls_treekem::CredentialValidator for AcceptAll {
    fn accept(&self, _credential: &Credential, _signature_key: &[u8]) -> bool {
        true
    }
}

/// A Welcome into a two-leaf tree, played by a committer who skips the
/// checks: leaf 0 the committer's basic credential with `committer_caps`,
/// leaf 1 the joiner's credential of type 0xff90 (supporting basic, 0xff90
/// and extension 0xff00), the GroupContext extensions `extensions`.
/// Returns the joiner's outcome.
fn join_hand_made_tree(
    committer_caps: Capabilities,
    extensions: Vec<Extension>,
) -> Result<Group, GroupError> {
    let (provider, cs) = provider_and_suite(97);
    let cs = cs.as_ref();
    let committer_signer = cs.signature_generate_key_pair().unwrap();
    let committer = KeyPackageBuilder::new()
        .capabilities(committer_caps)
        .build(cs, Credential::basic("committer"), &committer_signer)
        .unwrap();
    let joiner_signer = cs.signature_generate_key_pair().unwrap();
    let joiner = KeyPackageBuilder::new()
        .capabilities(caps_with_credentials(&[1, 0xff90]))
        .build(
            cs,
            Credential::Unknown {
                credential_type: 0xff90,
                data: VLBytes::new(b"custom".to_vec()),
            },
            &joiner_signer,
        )
        .unwrap();
    let leaf =
        |b: &KeyPackageBundle| Some(mls_codec::Node::Leaf(b.key_package().leaf_node.clone()));
    let wire = mls_codec::RatchetTree::from_nodes([leaf(&committer), None, leaf(&joiner)]);
    let tree_hash = mls_treekem::RatchetTree::from_wire(wire.clone())
        .unwrap()
        .tree_hash(cs)
        .unwrap();
    let context = mls_codec::GroupContext {
        version: ProtocolVersion::MLS10,
        cipher_suite: mls_codec::CipherSuiteId(cs.cipher_suite().id()),
        group_id: VLBytes::new(b"hand-made".to_vec()),
        epoch: 1,
        tree_hash: VLBytes::new(tree_hash),
        confirmed_transcript_hash: VLBytes::new(vec![0x22; cs.cipher_suite().hash_len()]),
        extensions,
    };
    let keys = mls_keyschedule::EpochKeys::derive(
        cs,
        mls_keyschedule::InitSecret::random(cs).unwrap(),
        mls_keyschedule::CommitSecret::zero(cs),
        mls_keyschedule::PskSecret::resolve(cs, &[], &InMemoryPskStore::new()).unwrap(),
        &mls_codec::encode(&context).unwrap(),
    )
    .unwrap();
    let tag = keys
        .secrets
        .confirmation_key
        .tag(cs, context.confirmed_transcript_hash.as_slice());
    let tree_extension =
        Extension::from_payload(&mls_codec::RatchetTreeExtension { ratchet_tree: wire }).unwrap();
    let group_info = mls_group::welcome::sign_group_info(
        cs,
        &committer_signer,
        context,
        vec![tree_extension],
        tag,
        0,
    )
    .unwrap();
    let welcome = mls_group::welcome::create_welcome(
        cs,
        &group_info,
        &keys.joiner_secret,
        &keys.welcome_secret,
        &[],
        &[mls_group::welcome::WelcomeRecipient {
            key_package: joiner.key_package(),
            path_secret: None,
        }],
    )
    .unwrap();
    let config = GroupConfig {
        credential_validator: Arc::new(AcceptAll),
        ..GroupConfig::default()
    };
    Group::join(
        &provider,
        &MlsMessage::from(welcome),
        &vec![joiner],
        config,
        JoinOptions::default(),
    )
    .map(|(group, _)| group)
}

/// V-7.3-07 (and V-7.3-06) when joining: RFC 9420 §12.4.3.1 validates
/// every leaf of the received tree as §7.3 says, so a tree in which a member
/// does not support another member's credential type is refused, before
/// any signature of it is checked. The same tree with the committer also
/// supporting 0xff90 joins: the construction is valid but for that.
#[test]
fn v7_3_07_join_a_tree_whose_members_do_not_support_each_other() {
    let err = join_hand_made_tree(caps_with_credentials(&[1]), vec![])
        .map(|_| ())
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::MemberCredentialTypeUnsupported {
                    leaf: 0,
                    credential_type: 0xff90,
                    member: 1,
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_07));
    let joined = join_hand_made_tree(caps_with_credentials(&[1, 0xff90]), vec![])
        .expect("a tree of mutual support joins");
    assert_eq!(joined.own_leaf().get(), 1);
}

/// V-7.3-03/04/05 and V-13.4-04 when joining: every leaf of the received
/// tree supports the group's `required_capabilities` (RFC 9420 §7.3,
/// §12.4.3.1); a tree whose committer leaf lacks a required extension type
/// is refused, and joins once the leaf lists it.
#[test]
fn v7_3_03_join_a_tree_with_a_leaf_lacking_a_required_capability() {
    let supporting = caps_with_credentials(&[1, 0xff90]);
    let lacking = Capabilities {
        extensions: vec![],
        ..supporting.clone()
    };
    let required = Extension::from_payload(&RequiredCapabilities {
        extension_types: vec![ExtensionType(0xff00)],
        proposal_types: vec![],
        credential_types: vec![],
    })
    .unwrap();
    let err = join_hand_made_tree(lacking, vec![required.clone()])
        .map(|_| ())
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Welcome(WelcomeError::TreeLeafUnsupported {
                leaf: 0,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_7_3_03));
    join_hand_made_tree(supporting, vec![required]).expect("every leaf supports the group");
}

/// A group of three members supporting credential types 1 and 0xff90, and
/// a fourth member (leaf 3, not driven) with a 0xff90 credential.
fn world_with_a_custom_member(seed: u8, config: GroupConfig) -> World {
    let mut w = World::with_caps(seed, 3, Some(caps_with_credentials(&[1, 0xff90])), config);
    let custom = custom_key_package(w.cs.as_ref());
    let out = w.members[0]
        .commit_builder()
        .add_member(custom)
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    w
}

/// V-7.3-07 for a commit path: the committer's new leaf no longer lists the
/// credential type leaf 3 uses. Receivers skip the O(N) support pass only
/// for a path leaf whose credential type and supported types are unchanged,
/// so this one must meet it; the unedited Commit is accepted.
#[test]
fn v7_3_07_path_leaf_drops_a_credential_type_a_member_uses() {
    let mut w = world_with_a_custom_member(91, deny_evil());
    let good = path_commit(&mut w);
    let m = w.resign(0, &good, |p| {
        edit_path(p, |path| {
            path.leaf_node
                .capabilities
                .credentials
                .retain(|t| t.0 != 0xff90);
            resign_path_leaf(&w, path);
        })
    });
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::MemberCredentialTypeUnsupported {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{err}"
    );
    accepted_commit(&mut w.members[1], &good);
}

/// V-7.3-07 for an Update: member 1's new leaf no longer lists the
/// credential type leaf 3 uses. The committer leaves the cached Update out
/// and reports why (its Commit would be rejected, issue 15 item 3).
#[test]
fn v7_3_07_update_drops_a_credential_type_a_member_uses() {
    let mut w = world_with_a_custom_member(92, deny_evil());
    let leaf = edited_update_leaf(&w, 1, |leaf| {
        leaf.capabilities.credentials.retain(|t| t.0 != 0xff90);
    });
    let m = w.forge(1, FramedContentBody::Proposal(update(leaf)));
    w.deliver_proposal(1, &m);
    let out = w.members[0].commit_builder().build().unwrap();
    let reason = only_omitted(&out);
    assert!(
        matches!(
            reason,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::MemberCredentialTypeUnsupported {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{reason}"
    );
    assert!(out.info.updated.is_empty(), "{:?}", out.info);
}

/// A validator that accepts every credential and every replacement, so a
/// rotation may change the credential type.
struct AnySuccessor;

impl mls_treekem::CredentialValidator for AnySuccessor {
    fn accept(&self, _credential: &Credential, _signature_key: &[u8]) -> bool {
        true
    }
    fn valid_successor(&self, _old: &Credential, _new: &Credential) -> bool {
        true
    }
}

/// V-7.3-06 for our own path leaf (G-54): a rotation to a credential type
/// a member does not support is refused by the committer, with the error
/// the members would reject it with; once that member is removed in the
/// same Commit, the rotation is built and the members accept it.
#[test]
fn v7_3_06_rotation_to_a_credential_type_a_member_does_not_support() {
    let config = GroupConfig {
        credential_validator: Arc::new(AnySuccessor),
        ..GroupConfig::default()
    };
    let mut w = World::with_caps(93, 2, Some(caps_with_credentials(&[1, 0xff91])), config);
    let basic_only = key_package_with(
        w.cs.as_ref(),
        Credential::basic(b"plain".to_vec()),
        caps_with_credentials(&[1]),
    );
    let out = w.members[0]
        .commit_builder()
        .add_member(basic_only)
        .build()
        .unwrap();
    w.deliver_commit(0, &out.commit);
    let custom = Credential::Unknown {
        credential_type: 0xff91,
        data: VLBytes::new(b"rotated".to_vec()),
    };
    let new_signer = || Arc::new(w.cs.signature_generate_key_pair().unwrap());
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .rotate_signer(new_signer(), Some(custom.clone()))
        .build()
        .expect_err("refused");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CredentialTypeUnsupportedByMember {
                    credential_type: 0xff91,
                    ..
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
    let signer = new_signer();
    let out = w.members[0]
        .commit_builder()
        .remove_member(leaf(2))
        .rotate_signer(signer, Some(custom))
        .build()
        .unwrap();
    accepted_commit(&mut w.members[1], &out.commit);
    w.members[0].merge_pending_commit().unwrap();
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// Issue 15 item 3 for V-7.3-06: another member's Add of a KeyPackage
/// whose credential type no member supports is cached at receipt (a
/// Commit that also removed every such member could take it); the next
/// Commit leaves it out and reports why instead of failing, and the members
/// accept that Commit.
#[test]
fn v7_3_06_a_cached_add_of_an_unsupported_credential_type_is_left_out() {
    let mut w = World::with_caps(94, 3, None, deny_evil());
    let custom = custom_key_package(w.cs.as_ref());
    let m = w.forge(1, FramedContentBody::Proposal(add(&custom)));
    w.deliver_proposal(1, &m);
    let out = w.members[0].commit_builder().build().unwrap();
    let reason = only_omitted(&out);
    assert!(
        matches!(
            reason,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CredentialTypeUnsupportedByMember {
                    credential_type: 0xff90,
                    ..
                }
            ))
        ),
        "{reason}"
    );
    assert!(out.welcome.is_none());
    w.deliver_commit(0, &out.commit);
    assert_eq!(w.members[1].member_count(), 3);
}
