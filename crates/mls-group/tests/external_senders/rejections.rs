//! The receiver checks on external and new-member proposals (RFC 9420
//! §6.1, §12.1.8): each rejection asserts the exact error (and so its rule)
//! and that the group is byte-identical afterwards.

use super::*;

/// V-12.1.8-01 {policy}: the application's policy sees the sender; the
/// committer leaves an unauthorized external proposal out, a receiver
/// rejects a Commit that includes it.
#[test]
fn v12_1_8_01_policy_refuses_external_proposals() {
    let strict = GroupConfig {
        proposal_policy: Some(Arc::new(MembersOnly)),
        ..GroupConfig::default()
    };
    let mut w = world(6, GroupConfig::default());
    let bob_strict = common::round_trip(&w.bob, &w.provider, strict.clone());
    let carol = bundle(w.cs.as_ref(), "carol");
    let proposal = proposer(&w).add(carol.key_package().clone()).unwrap();
    let mut bob = bob_strict;
    cached(&mut bob, &proposal);
    cached(&mut w.alice, &proposal);
    // Bob, committing, leaves it out.
    let mut bob_committer = common::round_trip(&bob, &w.provider, strict);
    let out = bob_committer.commit_builder().build().unwrap();
    assert_eq!(out.omitted.len(), 1);
    assert!(
        matches!(
            *out.omitted[0].reason,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                proposal_type: 1,
                sender: ProposalSender::External(0)
            }))
        ),
        "{:?}",
        out.omitted[0].reason
    );
    // Alice commits it; strict Bob rejects her Commit.
    let out = commit_pending(&mut w.alice);
    let err = rejected(&mut bob, &out.commit);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::RejectedByPolicy {
                sender: ProposalSender::External(0),
                ..
            }))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_04_external_sender_without_the_extension() {
    let p = provider(7);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let ds = key(cs.as_ref());
    let m = forge(
        cs.as_ref(),
        &alice,
        Sender::External(0),
        &ds,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 0 })),
    );
    let err = rejected(&mut alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(0)))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_05_external_sender_index_beyond_the_list() {
    let mut w = world(8, GroupConfig::default());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(1),
        &w.ds,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(1)))
        ),
        "{err:?}"
    );
    // The proposer refuses an index the group does not list, or another key.
    let state = public_state(&w.cs, &w.alice);
    let err = ExternalProposer::new(state, w.ds.clone(), 1).expect_err("index");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::ExternalSenderUnknown(1)))
        ),
        "{err:?}"
    );
    let state = public_state(&w.cs, &w.alice);
    let err = ExternalProposer::new(state, key(w.cs.as_ref()), 0).expect_err("key");
    assert!(
        matches!(
            err,
            GroupError::Misuse(Misuse::ExternalSenderKeyMismatch(0))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_08_external_proposal_signed_by_another_key() {
    let mut w = world(9, GroupConfig::default());
    let other = key(w.cs.as_ref());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(0),
        &other,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_07_update_and_external_init_from_an_external_sender() {
    let mut w = world(10, GroupConfig::default());
    let update = Proposal::from(Update {
        leaf_node: w.alice.ratchet_tree().leaf(leaf(0)).cloned().expect("leaf"),
    });
    let init = Proposal::ExternalInit(ExternalInit {
        kem_output: VLBytes::new(vec![1; 32]),
    });
    for (proposal, proposal_type) in [(update, 2u16), (init, 6)] {
        let m = forge(
            w.cs.as_ref(),
            &w.alice,
            Sender::External(0),
            &w.ds,
            FramedContentBody::Proposal(proposal.clone()),
        );
        let err = rejected(&mut w.alice, &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(FramingError::SenderProposalTypeNotAllowed { sender: "external", proposal_type: t }))
                    if t == proposal_type
            ),
            "{err:?}"
        );
        // The proposer refuses to build it (one checker, V-6.1-07 {sender}).
        let err = proposer(&w).proposal(proposal).expect_err("forbidden");
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Framing(
                    FramingError::SenderProposalTypeNotAllowed {
                        sender: "external",
                        ..
                    }
                ))
            ),
            "{err:?}"
        );
    }
}

#[test]
fn v6_1_06_external_sender_cannot_commit() {
    let mut w = world(11, GroupConfig::default());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::External(0),
        &w.ds,
        FramedContentBody::Commit(Commit {
            proposals: vec![],
            path: None,
        }),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::SenderContentTypeNotAllowed {
                    sender: "external",
                    content_type: 3
                }
            ))
        ),
        "{err:?}"
    );
}

/// RFC 9420 §12.1.8: external proposals are PublicMessages. A
/// PrivateMessage names a member leaf in its sender data, so non-member
/// content cannot be encrypted (V-6.3.2-06), and a non-member's
/// PublicMessage carrying a membership tag is malformed (§6.2).
#[test]
fn external_proposal_as_private_message_or_with_a_membership_tag() {
    let mut w = world(12, GroupConfig::default());
    let body = FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 }));
    let content = FramedContent {
        group_id: w.alice.context().group_id.clone(),
        epoch: w.alice.epoch(),
        sender: Sender::External(0),
        authenticated_data: VLBytes::new(Vec::new()),
        content: body.clone(),
    };
    let signed = sign_content(
        w.cs.as_ref(),
        &w.ds,
        WireFormat::PRIVATE_MESSAGE,
        content,
        None,
    )
    .unwrap();
    let before = snapshot(&w.alice);
    let mut tree = mls_keyschedule::SecretTree::new(
        mls_keyschedule::EncryptionSecret::from_slice(&[3; 32]),
        mls_treemath::LeafCount::new(2).unwrap(),
        mls_keyschedule::SecretTreeConfig::default(),
    );
    let err = w
        .alice
        .framing_context()
        .protect_private(&mut tree, &signed, PaddingMode::None)
        .expect_err("non-members cannot encrypt");
    assert!(
        matches!(err, GroupError::Misuse(Misuse::PrivateMessageFromNonMember)),
        "{err:?}"
    );
    assert_eq!(snapshot(&w.alice), before);

    let mut m = forge(w.cs.as_ref(), &w.alice, Sender::External(0), &w.ds, body);
    if let MlsMessageBody::PublicMessage(p) = &mut m.body {
        p.membership_tag = Some(VLBytes::new(vec![0; 32]));
    }
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Decode(
                mls_codec::CodecError::InconsistentFields { .. }
            ))
        ),
        "{err:?}"
    );
    assert!(mls_codec::encode(&m).is_err(), "the encoder refuses it too");
}

#[test]
fn v6_1_11_new_member_proposal_that_is_not_an_add() {
    let mut w = world(13, GroupConfig::default());
    let carol = key(w.cs.as_ref());
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::NewMemberProposal,
        &carol,
        FramedContentBody::Proposal(Proposal::Remove(Remove { removed: 1 })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(
                FramingError::SenderProposalTypeNotAllowed {
                    sender: "new_member_proposal",
                    proposal_type: 3
                }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn v6_1_12_new_member_add_signed_by_another_key() {
    let mut w = world(14, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let m = forge(
        w.cs.as_ref(),
        &w.alice,
        Sender::NewMemberProposal,
        &key(w.cs.as_ref()),
        FramedContentBody::Proposal(Proposal::from(mls_codec::Add {
            key_package: carol.key_package().clone(),
        })),
    );
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::SignatureInvalid))
        ),
        "{err:?}"
    );
}

#[test]
fn new_member_add_with_a_membership_tag() {
    let mut w = world(15, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let mut m = public_state(&w.cs, &w.alice)
        .new_member_add(&carol)
        .unwrap();
    if let MlsMessageBody::PublicMessage(p) = &mut m.body {
        p.membership_tag = Some(VLBytes::new(vec![0; 32]));
    }
    let err = rejected(&mut w.alice, &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Decode(
                mls_codec::CodecError::InconsistentFields { .. }
            ))
        ),
        "{err:?}"
    );
}

/// RFC 9420 §12.4.3.2 (V-12.4.3.2-02): an external Commit cannot take a
/// cached new-member Add by reference (nor hold an Add by value, V-12.2-24).
#[test]
fn new_member_add_referenced_by_an_external_commit() {
    let mut w = world(16, GroupConfig::default());
    let carol = bundle(w.cs.as_ref(), "carol");
    let add = public_state(&w.cs, &w.alice)
        .new_member_add(&carol)
        .unwrap();
    let reference = match w.alice.process_message(&add).unwrap() {
        ProcessedMessage::Proposal(p) => p.reference,
        other => panic!("{other:?}"),
    };
    let dave = key(w.cs.as_ref());
    let info = w.alice.export_group_info(true).unwrap();
    let (_, out) = Group::external_commit_builder(
        w.cs.clone(),
        &info,
        Credential::basic("dave"),
        Arc::new(dave.clone()),
    )
    .build()
    .unwrap();
    let MlsMessageBody::PublicMessage(public) = &out.commit.body else {
        panic!("public");
    };
    for extra in [
        ProposalOrRef::Reference(VLBytes::new(reference.as_bytes().to_vec())),
        ProposalOrRef::Proposal(Proposal::from(mls_codec::Add {
            key_package: carol.key_package().clone(),
        })),
    ] {
        let mut content = public.content.clone();
        let FramedContentBody::Commit(commit) = &mut content.content else {
            panic!("a Commit");
        };
        commit.proposals.push(extra);
        let mut auth = sign_content(
            w.cs.as_ref(),
            &dave,
            WireFormat::PUBLIC_MESSAGE,
            content,
            Some(w.alice.context()),
        )
        .unwrap();
        auth.auth.confirmation_tag = public.auth.confirmation_tag.clone();
        let m = MlsMessage::new(MlsMessageBody::PublicMessage(
            protect_public(w.cs.as_ref(), auth, Some(w.alice.context()), None).unwrap(),
        ));
        let err = rejected(&mut w.alice, &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Commit(CommitError::ExternalProposalByReference))
                    | GroupError::Rejected(Rejection::Commit(
                        CommitError::ExternalProposalNotAllowed(1)
                    ))
            ),
            "{err:?}"
        );
    }
}

/// V-12.1.8-02, V-5.3.1-06/07: an `external_senders` extension whose
/// credential the validator rejects (a basic credential with an empty
/// identity) is refused at creation, in a received GCE proposal, in a
/// Commit by value; one that does not parse is refused as malformed.
#[test]
fn v12_1_8_02_external_senders_with_an_invalid_credential() {
    let mut w = world(17, GroupConfig::default());
    let bad = senders_extension(&[(&w.ds, Credential::basic(""))]);
    let err = Group::create(
        w.cs.clone(),
        Credential::basic("erin"),
        Arc::new(key(w.cs.as_ref())),
        GroupConfig::default(),
        CreateOptions {
            extensions: vec![bad.clone()],
            ..CreateOptions::default()
        },
    )
    .expect_err("rejected credential");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );

    // Bob's GCE proposal with it: Bob refuses to send it, Alice to cache a
    // forged one.
    let err = w
        .bob
        .propose()
        .group_context_extensions(vec![bad.clone()])
        .expect_err("sender side");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );
    let gce = proposer(&w)
        .group_context_extensions(vec![senders_extension(&[(&w.ds, Credential::basic("ds"))])])
        .unwrap();
    let MlsMessageBody::PublicMessage(public) = &gce.body else {
        panic!("public");
    };
    let mut content = public.content.clone();
    content.content = FramedContentBody::Proposal(Proposal::GroupContextExtensions(
        mls_codec::GroupContextExtensions {
            extensions: vec![bad.clone()],
        },
    ));
    let signed = sign_content(
        w.cs.as_ref(),
        &w.ds,
        WireFormat::PUBLIC_MESSAGE,
        content,
        None,
    )
    .unwrap();
    let forged = MlsMessage::new(MlsMessageBody::PublicMessage(
        protect_public(w.cs.as_ref(), signed, None, None).unwrap(),
    ));
    let err = rejected(&mut w.alice, &forged);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );

    // By value in a Commit.
    let before = snapshot(&w.alice);
    let err = w
        .alice
        .commit_builder()
        .group_context_extensions(vec![bad])
        .build()
        .expect_err("by value");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ExternalSenderCredentialRejected(0)
            ))
        ),
        "{err:?}"
    );
    assert_eq!(snapshot(&w.alice), before);

    // Malformed payload (V-2.1-11).
    let malformed = Extension {
        extension_type: ExtensionType::EXTERNAL_SENDERS,
        extension_data: VLBytes::new(vec![0x05, 0x01]),
    };
    let err = w
        .bob
        .propose()
        .group_context_extensions(vec![malformed])
        .expect_err("malformed");
    assert!(
        matches!(err, GroupError::Rejected(Rejection::Decode(_))),
        "{err:?}"
    );
}
