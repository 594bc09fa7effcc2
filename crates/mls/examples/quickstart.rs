//! Three clients, an add, an update, a remove, messages both ways, a
//! client reopening its group from its store, and every member agreeing on
//! the epoch authenticator.
//!
//! Run with `cargo run -p mls --example quickstart`.

use mls::{Client, ClientGroup, Credential, DEFAULT_CIPHER_SUITE, Received, generate_signer};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A client with a fresh identity and an in-memory store
/// (`mls_store_sqlite::SqliteStore::open(path)` keeps it in a file).
fn client(name: &str) -> Result<Client> {
    let signer = generate_signer(DEFAULT_CIPHER_SUITE)?;
    Ok(Client::builder()
        .identity(Credential::basic(name), signer)
        .build()?)
}

/// Everything a member receives goes through the same call; a Commit is
/// merged (and the new epoch stored) at once.
fn receive(group: &mut ClientGroup, message: &mls::MlsMessage) -> Result<Option<Vec<u8>>> {
    match group.receive(message)? {
        Received::Application(m) => Ok(Some(m.data)),
        _ => Ok(None),
    }
}

fn main() -> Result<()> {
    let (alice, bob, carol) = (client("alice")?, client("bob")?, client("carol")?);

    // Bob and Carol upload KeyPackages (their private parts stay in their
    // stores); Alice creates the group and adds both in one Commit.
    let bob_kp = bob.key_packages_to_publish()?.remove(0);
    let carol_kp = carol.key_packages_to_publish()?.remove(0);
    let mut a = alice.create_group()?;
    let add = a.commit(|c| c.add_member(bob_kp).add_member(carol_kp))?;
    // The delivery service accepted the Commit: merge it, then send the Welcome.
    a.merge_pending_commit()?;
    let welcome = add
        .welcome
        .ok_or("a Commit that adds members has a Welcome")?;
    // Each joiner finds its own KeyPackage and deletes it in the join's write.
    let mut b = bob.join(&welcome)?;
    let mut c = carol.join(&welcome)?;
    println!("epoch {}: {} members", a.epoch(), a.group().member_count());

    // Messages both ways.
    let hello = a.encrypt_application_message(b"hello from alice", b"")?;
    for member in [&mut b, &mut c] {
        let got = receive(member, &hello)?;
        if got.as_deref() != Some(&b"hello from alice"[..]) {
            return Err("alice's message did not arrive".into());
        }
    }
    let reply = b.encrypt_application_message(b"hi, bob here", b"")?;
    for member in [&mut a, &mut c] {
        receive(member, &reply)?;
    }

    // Bob updates his keys (an empty Commit carries a fresh UpdatePath).
    let update = b.self_update()?;
    b.merge_pending_commit()?;
    receive(&mut a, &update.commit)?;
    receive(&mut c, &update.commit)?;
    println!("epoch {}: Bob updated", b.epoch());

    // Alice removes Carol.
    let carol_leaf = c.group().own_leaf();
    let remove = a.commit(|commit| commit.remove_member(carol_leaf))?;
    a.merge_pending_commit()?;
    receive(&mut b, &remove.commit)?;
    receive(&mut c, &remove.commit)?;
    if c.group().is_active() {
        return Err("carol is still a member".into());
    }
    println!(
        "epoch {}: Carol removed, {} members",
        a.epoch(),
        a.group().member_count()
    );

    // Bob's app restarts: the group is opened from his store, where every
    // step above already is.
    let bye = a.encrypt_application_message(b"just us now", b"")?;
    let mut b = bob.group(b.group_id())?.ok_or("bob's group is stored")?;
    if receive(&mut b, &bye)?.as_deref() != Some(&b"just us now"[..]) {
        return Err("the reopened group cannot read the message".into());
    }

    // Everyone still in the group agrees on the epoch authenticator.
    if a.group().epoch_authenticator() != b.group().epoch_authenticator() {
        return Err("alice and bob disagree".into());
    }
    println!("alice and bob agree on epoch {}", a.epoch());
    Ok(())
}
