//! PublicMessage (RFC 9420 §6.1, §6.2): signature, membership tag, sender types.

use super::*;

// ----- §6.1 / §6.2 PublicMessage -------------------------------------------

#[test]
fn wrong_membership_tag_is_rejected() {
    // V-6.2-01, V-6.2-02.
    let fx = Fx::suite1();
    let good = fx.public(proposal());
    let tag = good.membership_tag.clone().expect("member tag");
    let other_key = MembershipKey::from_slice(&[0x33; 32]);
    let tbm = good.tbm_bytes(Some(&fx.group_context)).expect("tbm");
    let tags = [
        {
            let mut t = tag.clone();
            flip_last(&mut t);
            t
        },
        VLBytes::new(vec![]),
        VLBytes::new(tag.as_slice()[..1].to_vec()),
        VLBytes::new(tag.as_slice()[..16].to_vec()),
        VLBytes::new([tag.as_slice(), &[0]].concat()),
        VLBytes::new(other_key.tag(fx.cs(), &tbm)),
    ];
    for bad in tags {
        let mut message = good.clone();
        message.membership_tag = Some(bad);
        assert!(matches!(
            fx.unprotect_public(&message),
            Err(GroupError::Rejected(Rejection::Framing(
                FramingError::MembershipTagInvalid
            )))
        ));
    }
    // V-6.2-03: the tag covers the auth data.
    let mut message = good.clone();
    flip_last(&mut message.auth.signature);
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::MembershipTagInvalid
        )))
    ));
    let mut message = good;
    message.membership_tag = None;
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::MembershipTagInvalid
        )))
    ));
}

#[test]
fn bad_signature_is_rejected() {
    let fx = Fx::suite1();
    // V-6.1-02: signed by Bob's key but claiming to come from Alice; a
    // correct membership tag (an insider) does not help.
    let forged = fx.signed_by(
        Sender::Member(ALICE),
        BOB,
        proposal(),
        WireFormat::PUBLIC_MESSAGE,
    );
    let message = fx.ctx().protect_public(forged).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SignatureInvalid
        )))
    ));
    // V-6.1-03: signed for private_message, sent as public_message.
    let mut other_format = fx.signed(proposal(), WireFormat::PRIVATE_MESSAGE);
    other_format.wire_format = WireFormat::PUBLIC_MESSAGE;
    let message = fx.ctx().protect_public(other_format).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SignatureInvalid
        )))
    ));
    // V-6.1-02: signed over another epoch's GroupContext.
    let mut old_context = fx.group_context.clone();
    old_context.confirmed_transcript_hash = VLBytes::new(vec![0; 32]);
    let content = framed_content(&fx.group_context, Sender::Member(ALICE), vec![], commit());
    let mut signed = sign_content(
        fx.cs(),
        &fx.alice,
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&old_context),
    )
    .expect("signs");
    signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
    let message = fx.ctx().protect_public(signed).expect("protects");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SignatureInvalid
        )))
    ));
    // V-6.3.1-04: a PrivateMessage that decrypts but is signed by Bob.
    let receiver = fx.tree();
    let forged = fx.signed_by(
        Sender::Member(ALICE),
        BOB,
        application(),
        WireFormat::PRIVATE_MESSAGE,
    );
    let message = fx
        .ctx()
        .protect_private(&mut fx.tree(), &forged, PaddingMode::None)
        .expect("protects");
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SignatureInvalid
        )))
    ));
}

#[test]
fn sender_outside_the_tree_or_blank_is_rejected() {
    // V-6.1-01.
    let fx = Fx::suite1();
    for leaf in [BLANK, 3, 1000, u32::MAX] {
        let message = fx
            .ctx()
            .protect_public(fx.signed_by(
                Sender::Member(leaf),
                ALICE,
                proposal(),
                WireFormat::PUBLIC_MESSAGE,
            ))
            .expect("protects");
        assert!(matches!(
            fx.unprotect_public(&message),
            Err(GroupError::Rejected(Rejection::Framing(FramingError::SenderNotMember(l)))) if l == leaf
        ));
    }
    // V-6.3.2-01, V-6.3.2-02: SenderData naming a blank or absent leaf.
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), application());
    for leaf in [BLANK, 3, u32::MAX] {
        let mut message = good.clone();
        let mut sender_data = fx.open_sender_data(&message);
        sender_data.leaf_index = leaf;
        fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::Rejected(Rejection::Framing(FramingError::SenderNotMember(l)))) if l == leaf
        ));
    }
}

#[test]
fn sender_type_rules() {
    let fx = Fx::suite1();
    let external_key = fx.cs().signature_generate_key_pair().expect("key");
    let sign_external = |sender: Sender, body: FramedContentBody| {
        let is_commit = body.content_type() == ContentType::Commit;
        let content = framed_content(&fx.group_context, sender, vec![], body);
        let mut signed = sign_content(
            fx.cs(),
            &external_key,
            WireFormat::PUBLIC_MESSAGE,
            content,
            // Ignored for external and new_member_proposal senders.
            Some(&fx.group_context),
        )
        .expect("signs");
        if is_commit {
            signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
        }
        protect_public(fx.cs(), signed, None, None).expect("protects")
    };
    // V-6.1-04: no external_senders extension.
    let message = sign_external(Sender::External(0), proposal());
    assert!(message.membership_tag.is_none());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ExternalSenderUnknown(0)
        )))
    ));
    // With the extension: index 0 verifies, index 1 is unknown (V-6.1-05).
    let mut with_senders = Fx::suite1();
    with_senders.group_context.extensions = vec![
        Extension::from_payload(&ExternalSenders(vec![ExternalSender {
            signature_key: SignaturePublicKey(VLBytes::new(external_key.public_key.clone())),
            credential: Credential::basic(b"server".to_vec()),
        }]))
        .expect("encodes"),
    ];
    assert!(with_senders.unprotect_public(&message).is_ok());
    let message = sign_external(Sender::External(1), proposal());
    assert!(matches!(
        with_senders.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ExternalSenderUnknown(1)
        )))
    ));
    // V-6.1-06: an external sender cannot commit.
    let message = sign_external(Sender::External(0), commit());
    assert!(matches!(
        with_senders.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderContentTypeNotAllowed {
                sender: "external",
                content_type: 3
            }
        )))
    ));
    // V-6.1-09: new_member_commit with a proposal.
    let message = sign_external(Sender::NewMemberCommit, proposal());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderContentTypeNotAllowed {
                sender: "new_member_commit",
                content_type: 2
            }
        )))
    ));
    // V-6.1-10: new_member_commit without a path.
    let content = framed_content(&fx.group_context, Sender::NewMemberCommit, vec![], commit());
    let mut signed = sign_content(
        fx.cs(),
        &external_key,
        WireFormat::PUBLIC_MESSAGE,
        content,
        Some(&fx.group_context),
    )
    .expect("signs");
    signed.auth.confirmation_tag = Some(VLBytes::new(vec![1; 32]));
    let message = protect_public(fx.cs(), signed, Some(&fx.group_context), None).expect("ok");
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::NewMemberCommitWithoutPath
        )))
    ));
    // V-6.1-11: new_member_proposal must be an Add.
    let message = sign_external(Sender::NewMemberProposal, proposal());
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderProposalTypeNotAllowed {
                sender: "new_member_proposal",
                proposal_type: 3
            }
        )))
    ));
}

#[test]
fn protect_refuses_misuse() {
    let fx = Fx::suite1();
    let mut tree = fx.tree();
    // V-6.3.2-06: only members send PrivateMessages.
    let external = fx.signed_by(
        Sender::External(0),
        ALICE,
        proposal(),
        WireFormat::PRIVATE_MESSAGE,
    );
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &external, PaddingMode::None),
        Err(GroupError::Misuse(Misuse::PrivateMessageFromNonMember))
    ));
    // A commit without its confirmation tag.
    let mut untagged = fx.signed(commit(), WireFormat::PRIVATE_MESSAGE);
    untagged.auth.confirmation_tag = None;
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &untagged, PaddingMode::None),
        Err(GroupError::Misuse(Misuse::CannotProtect(_)))
    ));
    // Content signed for the other wire format.
    let public = fx.signed(proposal(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &public, PaddingMode::None),
        Err(GroupError::Misuse(Misuse::CannotProtect(_)))
    ));
    let private = fx.signed(proposal(), WireFormat::PRIVATE_MESSAGE);
    assert!(matches!(
        fx.ctx().protect_public(private),
        Err(GroupError::Misuse(Misuse::CannotProtect(_)))
    ));
    // A member PublicMessage needs the membership key.
    let public = fx.signed(proposal(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        protect_public(fx.cs(), public, Some(&fx.group_context), None),
        Err(GroupError::Misuse(Misuse::CannotProtect(_)))
    ));
    // V-6.3.1-08: a plaintext padded beyond what a PrivateMessage carries.
    let huge = fx.signed(application(), WireFormat::PRIVATE_MESSAGE);
    assert!(matches!(
        fx.ctx()
            .protect_private(&mut tree, &huge, PaddingMode::Multiple(u32::MAX)),
        Err(GroupError::Misuse(Misuse::ContentTooLarge))
    ));
    // Nothing was taken from the tree by the refusals.
    assert_eq!(tree, fx.tree());
}
