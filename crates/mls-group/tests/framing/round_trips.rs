//! Round trips of every framing (RFC 9420 §6) and the checks common to both wire formats (§6).

use super::*;

// ----- round trips ---------------------------------------------------------

#[test]
fn every_suite_round_trips_both_wire_formats() {
    for suite in CipherSuite::ALL {
        let fx = Fx::new(suite);
        for body in [proposal(), commit()] {
            let message = fx.public(body.clone());
            assert_eq!(
                fx.unprotect_public(&message)
                    .expect("verifies")
                    .content
                    .content,
                body
            );
        }
        let mut sender = fx.tree();
        let mut receiver = fx.tree();
        for body in [application(), proposal(), commit(), application()] {
            let message = fx.private(&mut sender, body.clone());
            let mut verified = fx
                .ctx()
                .unprotect_private(&receiver, &message, &fx.members)
                .expect("decrypts");
            assert_eq!(verified.framed_content().content, body);
            assert_eq!(verified.sender(), Sender::Member(ALICE));
            verified.confirm(&mut receiver).expect("confirms");
        }
    }
}

#[test]
fn padding_modes_and_accepted_padding_lengths() {
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    for mode in [
        PaddingMode::None,
        PaddingMode::Multiple(64),
        PaddingMode::Padme,
    ] {
        let signed = fx.signed(application(), WireFormat::PRIVATE_MESSAGE);
        let message = fx
            .ctx()
            .protect_private(&mut sender, &signed, mode)
            .expect("protects");
        if mode == PaddingMode::Multiple(64) {
            // AEAD tag of 16 bytes on top of the padded plaintext.
            assert_eq!((message.ciphertext.as_slice().len() - 16) % 64, 0);
        }
        assert!(
            fx.ctx()
                .unprotect_private(&receiver, &message, &fx.members)
                .is_ok()
        );
    }
    // V-6.3.1-02, G-43: zero padding of 0, 1 and 4096 bytes is accepted.
    for len in [0, 1, 4096] {
        let mut plaintext = fx.application_plaintext();
        plaintext.resize(plaintext.len() + len, 0);
        let message = fx.seal_raw(
            &mut sender,
            ContentType::Application,
            RatchetKind::Application,
            &plaintext,
        );
        assert!(
            fx.unprotect_private(&receiver, &message).is_ok(),
            "padding {len}"
        );
    }
}

#[test]
fn reuse_guard_is_fresh_per_message() {
    // V-6.3.1-07.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let a = fx.open_sender_data(&fx.private(&mut sender, application()));
    let b = fx.open_sender_data(&fx.private(&mut sender, application()));
    assert_eq!((a.generation, b.generation), (0, 1));
    assert_ne!(a.reuse_guard, b.reuse_guard);
}

#[test]
fn out_of_order_messages_decrypt_once_each() {
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let mut receiver = fx.tree();
    let first = fx.private(&mut sender, application());
    let second = fx.private(&mut sender, application());
    for message in [&second, &first] {
        let mut v = fx
            .ctx()
            .unprotect_private(&receiver, message, &fx.members)
            .expect("decrypts");
        assert!(v.is_unconfirmed());
        v.confirm(&mut receiver).expect("confirms");
        // A second confirm is a no-op.
        v.confirm(&mut receiver).expect("no-op");
    }
}

// ----- §6 common -----------------------------------------------------------

#[test]
fn application_data_in_a_public_message_is_rejected() {
    // V-6-01, sender side.
    let fx = Fx::suite1();
    let signed = fx.signed(application(), WireFormat::PUBLIC_MESSAGE);
    assert!(matches!(
        fx.ctx().protect_public(signed.clone()),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ApplicationDataInPublicMessage
        )))
    ));
    // Receiver side: a correctly signed and tagged one is still rejected.
    let tbm = signed.tbm_bytes(Some(&fx.group_context)).expect("tbm");
    let tag = fx.membership_key.tag(fx.cs(), &tbm);
    let message = PublicMessage::from_authenticated_content(signed, Some(VLBytes::new(tag)));
    assert!(matches!(
        fx.unprotect_public(&message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ApplicationDataInPublicMessage
        )))
    ));
}

#[test]
fn wrong_group_id_is_rejected() {
    // V-6-04.
    let fx = Fx::suite1();
    let mut public = fx.public(proposal());
    public.content.group_id = VLBytes::new(b"another group".to_vec());
    assert!(matches!(
        fx.unprotect_public(&public),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::GroupIdMismatch
        )))
    ));
    let receiver = fx.tree();
    let mut private = fx.private(&mut fx.tree(), application());
    private.group_id = VLBytes::new(b"another group".to_vec());
    assert!(matches!(
        fx.unprotect_private(&receiver, &private),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::GroupIdMismatch
        )))
    ));
}

#[test]
fn wrong_epoch_is_rejected() {
    // V-6-05.
    let fx = Fx::suite1();
    let mut public = fx.public(commit());
    public.content.epoch = 41;
    assert!(matches!(
        fx.unprotect_public(&public),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::EpochMismatch {
                expected: 42,
                actual: 41
            }
        )))
    ));
    let receiver = fx.tree();
    let mut private = fx.private(&mut fx.tree(), application());
    private.epoch = 43;
    assert!(matches!(
        fx.unprotect_private(&receiver, &private),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::EpochMismatch {
                expected: 42,
                actual: 43
            }
        )))
    ));
}
