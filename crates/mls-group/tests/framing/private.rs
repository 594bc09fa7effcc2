//! PrivateMessage (RFC 9420 §6.3): sender data, content encryption, the secret tree.

use super::*;

// ----- §6.3 PrivateMessage -------------------------------------------------

#[test]
fn non_zero_padding_is_rejected() {
    // V-6.3.1-01, G-43: first, middle and last padding byte.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    for position in [0, 50, 99] {
        let mut plaintext = fx.application_plaintext();
        let start = plaintext.len();
        plaintext.resize(start + 100, 0);
        plaintext[start + position] = 1;
        let message = fx.seal_raw(
            &mut sender,
            ContentType::Application,
            RatchetKind::Application,
            &plaintext,
        );
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::Rejected(Rejection::Framing(
                FramingError::PaddingNotZero
            )))
        ));
    }
}

#[test]
fn inner_content_type_differing_from_the_header_is_rejected() {
    // V-6.3.1-06: the header says commit, the plaintext is application data.
    let fx = Fx::suite1();
    let mut sender = fx.tree();
    let receiver = fx.tree();
    let message = fx.seal_raw(
        &mut sender,
        ContentType::Commit,
        RatchetKind::Handshake,
        &fx.application_plaintext(),
    );
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ContentMalformed(_)
        )))
    ));
    // V-6.3.1-05: the header says proposal but the application ratchet was
    // used: the handshake key does not open it.
    let message = fx.seal_raw(
        &mut sender,
        ContentType::Proposal,
        RatchetKind::Application,
        &fx.application_plaintext(),
    );
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ContentDecryptionFailed
        )))
    ));
}

#[test]
fn replayed_message_is_rejected() {
    let fx = Fx::suite1();
    let mut receiver = fx.tree();
    let message = fx.private(&mut fx.tree(), application());
    let mut first = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts");
    first.confirm(&mut receiver).expect("confirms");
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::KeySchedule(
            KeyScheduleError::GenerationAlreadyUsed(0)
        ))
    ));
}

#[test]
fn tampered_ciphertext_is_rejected() {
    // V-6.3.1-03.
    let fx = Fx::suite1();
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), proposal());
    // The last byte (AEAD tag) is outside the sender-data sample.
    let mut message = good.clone();
    flip_last(&mut message.ciphertext);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ContentDecryptionFailed
        )))
    ));
    // The first byte is in the sample: the sender-data key changes.
    let mut message = good.clone();
    flip_first(&mut message.ciphertext);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderDataDecryptionFailed
        )))
    ));
    // authenticated_data is in the content AAD only.
    let mut message = good.clone();
    message.authenticated_data = VLBytes::new(b"other".to_vec());
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ContentDecryptionFailed
        )))
    ));
    // content_type is in both AADs; the sender data fails first.
    let mut message = good;
    message.content_type = ContentType::Commit;
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderDataDecryptionFailed
        )))
    ));
}

#[test]
fn tampered_sender_data_is_rejected() {
    // V-6.3.2-03, V-6.3.2-04.
    let fx = Fx::suite1();
    let receiver = fx.tree();
    let good = fx.private(&mut fx.tree(), application());
    let mut message = good.clone();
    flip_first(&mut message.encrypted_sender_data);
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderDataDecryptionFailed
        )))
    ));
    // Under another epoch's sender-data secret.
    let mut other = Fx::suite1();
    other.sender_data_secret = SenderDataSecret::from_slice(&[0x44; 32]);
    let foreign = other.private(&mut other.tree(), application());
    assert!(matches!(
        fx.unprotect_private(&receiver, &foreign),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::SenderDataDecryptionFailed
        )))
    ));
    // Well encrypted but not 12 bytes.
    for len in [11, 13] {
        let mut message = good.clone();
        let mut bytes = encode(&fx.open_sender_data(&message)).expect("encodes");
        bytes.resize(len, 0);
        fx.seal_sender_data(&mut message, &bytes);
        assert!(matches!(
            fx.unprotect_private(&receiver, &message),
            Err(GroupError::Rejected(Rejection::Framing(
                FramingError::SenderDataMalformed(_)
            )))
        ));
    }
    // A changed reuse guard gives the wrong nonce.
    let mut message = good.clone();
    let mut sender_data = fx.open_sender_data(&message);
    sender_data.reuse_guard[0] ^= 1;
    fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::Rejected(Rejection::Framing(
            FramingError::ContentDecryptionFailed
        )))
    ));
    // A generation far ahead is refused before any derivation.
    let mut message = good;
    let mut sender_data = fx.open_sender_data(&message);
    sender_data.generation = u32::MAX;
    fx.seal_sender_data(&mut message, &encode(&sender_data).expect("encodes"));
    assert!(matches!(
        fx.unprotect_private(&receiver, &message),
        Err(GroupError::KeySchedule(
            KeyScheduleError::GenerationTooFarAhead { .. }
        ))
    ));
}

#[test]
fn rejected_after_framing_leaves_the_tree_unchanged() {
    // The engine drops the VerifiedMessage (its checks failed): the key is
    // still there and the same message decrypts later.
    let fx = Fx::suite1();
    let mut receiver = fx.tree();
    let before = receiver.clone();
    let message = fx.private(&mut fx.tree(), application());
    let dropped = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts");
    drop(dropped);
    assert_eq!(receiver, before);
    let mut again = fx
        .ctx()
        .unprotect_private(&receiver, &message, &fx.members)
        .expect("decrypts again");
    again.confirm(&mut receiver).expect("confirms");
    assert_ne!(receiver, before);
}
