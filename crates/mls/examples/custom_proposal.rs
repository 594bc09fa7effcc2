//! An application-defined proposal (RFC 9420 §13): the group's topic, a
//! setting of the chat application, changed by a proposal type of its own
//! whose effect is a GroupContext extension that every member holds.
//!
//! Alice, Bob and Carol register the type; Bob proposes a topic, Carol
//! commits it, and all three read the same topic from their GroupContext.
//! A topic the application's rule refuses is refused before it is sent.
//! Dave's client, an older version that does not know the types, cannot be
//! added while the group holds a topic (a new member must support every
//! GroupContext extension, RFC 9420 §12.1.1); once he upgrades, he joins and
//! reads the topic.
//!
//! Run with `cargo run -p mls --example custom_proposal`.

use std::sync::Arc;

use mls::client::default_group_config;
use mls::group::custom::{
    CustomEffect, CustomExtensionHandler, CustomProposal, CustomProposalHandler, CustomRefusal,
    CustomRegistry,
};
use mls::{
    Client, ClientGroup, Credential, DEFAULT_CIPHER_SUITE, Extension, ExtensionType, MlsMessage,
    ProposalSender, Received, codec::ExtensionContainer, generate_signer,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The proposal type "set the topic", from the private-use range of the
/// IANA registry (RFC 9420 §17.4).
const SET_TOPIC: u16 = 0xf0a0;
/// The GroupContext extension that holds the current topic.
const TOPIC: u16 = 0xf0b0;
/// The application's rule for a topic.
const MAX_TOPIC_BYTES: usize = 64;

/// The application's rule, run by the proposer before sending and by every
/// member on receipt and in the Commit: one checker on both sides.
fn check_topic(topic: &[u8]) -> std::result::Result<(), CustomRefusal> {
    match std::str::from_utf8(topic) {
        Err(_) => Err(CustomRefusal::new("a topic is UTF-8 text")),
        Ok(t) if t.trim().is_empty() => Err(CustomRefusal::new("a topic is not empty")),
        Ok(_) if topic.len() > MAX_TOPIC_BYTES => {
            Err(CustomRefusal::new("a topic is at most 64 bytes"))
        }
        Ok(_) => Ok(()),
    }
}

/// "Set the topic": its effect is the new `TOPIC` extension.
struct SetTopic;
impl CustomProposalHandler for SetTopic {
    fn validate(&self, p: &CustomProposal<'_>) -> std::result::Result<CustomEffect, CustomRefusal> {
        check_topic(p.body)?;
        Ok(CustomEffect {
            group_context_extensions: vec![Extension {
                extension_type: ExtensionType(TOPIC),
                extension_data: p.body.to_vec().into(),
            }],
        })
    }
}

/// The `TOPIC` extension, wherever it appears, follows the same rule.
struct TopicExtension;
impl CustomExtensionHandler for TopicExtension {
    fn validate(
        &self,
        _: ExtensionContainer,
        data: &[u8],
    ) -> std::result::Result<(), CustomRefusal> {
        check_topic(data)
    }
}

fn registry() -> Result<CustomRegistry> {
    Ok(CustomRegistry::builder()
        // false: a Commit of a new topic needs no UpdatePath (§12.4).
        .proposal_type(SET_TOPIC, false, Arc::new(SetTopic))?
        .extension_type(
            TOPIC,
            &[ExtensionContainer::GroupContext],
            Arc::new(TopicExtension),
        )?
        .build())
}

/// A client of the chat application; `knows_topics` says whether its
/// version registers the topic types (its KeyPackages then list them in
/// their capabilities).
fn client(name: &str, knows_topics: bool) -> Result<Client> {
    let mut config = default_group_config();
    if knows_topics {
        config.custom = registry()?;
    }
    Ok(Client::builder()
        .identity(
            Credential::basic(name),
            generate_signer(DEFAULT_CIPHER_SUITE)?,
        )
        .group_config(config)
        .build()?)
}

fn topic(group: &ClientGroup) -> Option<String> {
    group
        .group()
        .extensions()
        .iter()
        .find(|e| e.extension_type == ExtensionType(TOPIC))
        .map(|e| String::from_utf8_lossy(e.extension_data.as_slice()).into_owned())
}

/// Deliver `message` to every member in `to`; a Commit is merged.
fn deliver(message: &MlsMessage, to: &mut [&mut ClientGroup]) -> Result<()> {
    for member in to {
        member.receive(message)?;
    }
    Ok(())
}

fn main() -> Result<()> {
    let (alice, bob, carol) = (
        client("alice", true)?,
        client("bob", true)?,
        client("carol", true)?,
    );
    let mut a = alice.create_group()?;
    let bob_kp = bob.key_packages_to_publish()?.remove(0);
    let carol_kp = carol.key_packages_to_publish()?.remove(0);
    let add = a.commit(|c| c.add_member(bob_kp).add_member(carol_kp))?;
    a.merge_pending_commit()?;
    let welcome = add
        .welcome
        .ok_or("a Commit that adds members has a Welcome")?;
    let (mut b, mut c) = (bob.join(&welcome)?, carol.join(&welcome)?);

    // Bob proposes a topic; Alice and Carol check it on receipt and cache it.
    let proposal = b.propose(|p| p.custom(SET_TOPIC, b"release planning".to_vec()))?;
    deliver(&proposal, &mut [&mut a, &mut c])?;

    // The application's rule runs before anything is sent.
    match b.propose(|p| p.custom(SET_TOPIC, b"   ".to_vec())) {
        Err(refused) => println!("bob's blank topic is refused: {refused}"),
        Ok(_) => return Err("a blank topic was sent".into()),
    }

    // Carol commits the cached proposal; everyone merges the Commit and
    // sees who set the topic.
    let commit = c.commit(|builder| builder)?;
    c.merge_pending_commit()?;
    for member in [&mut a, &mut b] {
        if let Received::Commit(info) = member.receive(&commit.commit)? {
            for p in &info.custom_proposals {
                if let ProposalSender::Member(leaf) = p.sender {
                    println!(
                        "epoch {}: the member at leaf {leaf} set the topic to {:?}",
                        member.epoch(),
                        String::from_utf8_lossy(&p.body)
                    );
                }
            }
        }
    }
    let agreed = topic(&a);
    if agreed.as_deref() != Some("release planning") || topic(&b) != agreed || topic(&c) != agreed {
        return Err("the members disagree on the topic".into());
    }

    // Dave's client does not know the topic types: his KeyPackage does not
    // list them, and Alice's Commit refuses the Add before anything is sent.
    let old_dave = client("dave", false)?;
    let old_kp = old_dave.key_packages_to_publish()?.remove(0);
    match a.commit(|builder| builder.add_member(old_kp)) {
        Err(refused) => println!("adding dave's old client: {refused}"),
        Ok(_) => return Err("a member without the topic types was added".into()),
    }

    // Dave upgrades; his new client lists the types and joins.
    let dave = client("dave", true)?;
    let dave_kp = dave.key_packages_to_publish()?.remove(0);
    let add = a.commit(|builder| builder.add_member(dave_kp))?;
    a.merge_pending_commit()?;
    deliver(&add.commit, &mut [&mut b, &mut c])?;
    let mut d = dave.join(&add.welcome.ok_or("the add has a Welcome")?)?;
    if topic(&d) != agreed {
        return Err("dave reads another topic".into());
    }
    println!(
        "epoch {}: dave joined; the topic is {:?}",
        d.epoch(),
        topic(&d)
    );

    // The group carries on: an empty Commit from Alice, and everyone agrees.
    let update = a.self_update()?;
    a.merge_pending_commit()?;
    deliver(&update.commit, &mut [&mut b, &mut c, &mut d])?;
    let authenticator = a.group().epoch_authenticator();
    if [&b, &c, &d]
        .iter()
        .any(|m| m.group().epoch_authenticator() != authenticator)
    {
        return Err("the members disagree on the epoch".into());
    }
    println!("all four agree on epoch {}", a.epoch());
    Ok(())
}
