//! GUIDANCE G-20: a Commit rejected for a rule violation is reported in a
//! form the application can forward: which sender, which rule, which
//! message (its hash and its bytes).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{ContentType, MlsMessage, Sender, WireFormat};
use mls_group::{GroupConfig, Rule};

#[test]
fn a_tampered_commit_is_reported_with_sender_rule_and_reference() {
    let provider = provider(41);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut bob = add_member(&mut alice, &provider, cs.as_ref(), "bob");

    let update = bob.commit_builder().build().unwrap();
    let mut bytes = mls_codec::encode(&update.commit).unwrap();
    // The membership tag is the last field of a member's PublicMessage.
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let tampered: MlsMessage = mls_codec::decode(&bytes).unwrap();

    let before = alice.to_bytes().unwrap();
    let error = alice.process_message(&tampered).unwrap_err();
    assert_eq!(alice.to_bytes().unwrap(), before);

    let report = alice.rejection_report(&tampered, &error).unwrap();
    assert_eq!(report.sender, Some(Sender::Member(bob.own_leaf().get())));
    assert_eq!(report.wire_format, WireFormat::PUBLIC_MESSAGE);
    assert_eq!(report.content_type, Some(ContentType::Commit));
    assert_eq!(report.epoch, Some(alice.epoch()));
    assert_eq!(report.group_id.as_deref(), Some(alice.group_id()));
    assert!(report.is_rule_violation(), "{}", report.reason);
    assert_eq!(report.rule, Some(Rule::V_6_2_01));
    assert_eq!(report.rule, error.rule());
    assert!(
        report.reason.ends_with("(RFC 9420 §6.2, V-6.2-01)"),
        "{}",
        report.reason
    );
    assert_eq!(report.message, bytes);
    assert_eq!(report.message_hash, cs.hash(&bytes));

    // Another member checks the forwarded bytes and reaches the same verdict.
    let forwarded: MlsMessage = mls_codec::decode(&report.message).unwrap();
    let mut carol_view = mls_group::Group::from_bytes(&before, &provider).unwrap();
    let again = carol_view.process_message(&forwarded).unwrap_err();
    assert_eq!(again.to_string(), report.reason);
}
