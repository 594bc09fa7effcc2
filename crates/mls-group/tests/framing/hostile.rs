//! Hostile input to the framing layer: arbitrary bytes and mutations never panic.

use super::*;
use mls_codec::MlsMessage;
use proptest::prelude::*;

/// Flip bits of the encoded message; whatever decodes must be rejected
/// by unprotect without changing the tree (and nothing panics).
fn flipped(bytes: &[u8], flips: &[(usize, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for &(at, mask) in flips {
        let len = out.len();
        if let Some(b) = out.get_mut(at % len) {
            *b ^= mask.max(1);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn tampered_private_messages_are_rejected(
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let fx = Fx::suite1();
        let receiver = fx.tree();
        let good = fx.private(&mut fx.tree(), proposal());
        let bytes = encode(&MlsMessage::from(good.clone())).expect("encodes");
        let bad = flipped(&bytes, &flips);
        if let Ok(message) = decode::<MlsMessage>(&bad) {
            let before = receiver.clone();
            let result = fx.ctx().unprotect(&receiver, &message, &fx.members);
            prop_assert_eq!(&receiver, &before);
            // Only an encoding-neutral change could verify; the content
            // is then exactly the original.
            if let Ok(v) = result {
                prop_assert_eq!(v.into_content().content.content, proposal());
                prop_assert_eq!(message.into_private_message(), Some(good));
            }
        }
    }

    #[test]
    fn tampered_public_messages_are_rejected(
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let fx = Fx::suite1();
        let good = fx.public(commit());
        let bytes = encode(&MlsMessage::from(good.clone())).expect("encodes");
        let bad = flipped(&bytes, &flips);
        if let Ok(message) = decode::<MlsMessage>(&bad)
            && let Ok(v) = fx.ctx().unprotect(&fx.tree(), &message, &fx.members)
        {
            prop_assert_eq!(v.into_content().content.content, commit());
            prop_assert_eq!(message.into_public_message(), Some(good));
        }
    }

    #[test]
    fn random_private_messages_never_panic(
        header in (any::<u64>(), 1u8..=3),
        sender_data in prop::collection::vec(any::<u8>(), 0..40),
        ciphertext in prop::collection::vec(any::<u8>(), 0..200),
        same_group in any::<bool>(),
    ) {
        let fx = Fx::suite1();
        let receiver = fx.tree();
        let content_type = match header.1 {
            1 => ContentType::Application,
            2 => ContentType::Proposal,
            _ => ContentType::Commit,
        };
        let message = PrivateMessage {
            group_id: fx.group_context.group_id.clone(),
            epoch: if same_group { fx.group_context.epoch } else { header.0 },
            content_type,
            authenticated_data: VLBytes::new(vec![]),
            encrypted_sender_data: VLBytes::new(sender_data),
            ciphertext: VLBytes::new(ciphertext),
        };
        let result = fx.unprotect_private(&receiver, &message);
        prop_assert!(result.is_err());
    }
}
