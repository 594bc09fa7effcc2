//! External PSKs through the client's store (RFC 9420 §8.4): registered
//! once, resolved by the client's groups when a Commit injects one and when
//! a Welcome names one; a client without it refuses, changing nothing.

#![allow(clippy::unwrap_used)]

mod support;

use mls_client::{ClientError, Received};
use mls_codec::{PreSharedKeyId, Psk, VLBytes};
use support::{add, agree, client};

fn external(id: &[u8]) -> PreSharedKeyId {
    PreSharedKeyId {
        psk: Psk::External {
            psk_id: VLBytes::new(id.to_vec()),
        },
        psk_nonce: VLBytes::new(vec![7; 32]),
    }
}

#[test]
fn commits_and_welcomes_resolve_external_psks_through_the_store() {
    let (alice, _) = client("alice");
    let (bob, _) = client("bob");
    let (carol, _) = client("carol");
    let mut a = alice.create_group().unwrap();
    let mut b = add(&mut a, &bob);
    for c in [&alice, &bob] {
        c.register_external_psk(b"shared", &[9; 32]).unwrap();
    }

    // A Commit injecting the PSK: made and processed through the stores.
    let out = a.commit(|c| c.psk(external(b"shared"))).unwrap();
    a.merge_pending_commit().unwrap();
    assert!(matches!(
        b.receive(&out.commit).unwrap(),
        Received::Commit(_)
    ));
    assert!(agree(&a, &b));

    // A Welcome naming the PSK: Carol joins only once she holds it.
    let kp = carol.new_key_package().unwrap();
    let out = a
        .commit(|c| c.add_member(kp).psk(external(b"shared")))
        .unwrap();
    a.merge_pending_commit().unwrap();
    b.receive(&out.commit).unwrap();
    let welcome = out.welcome.unwrap();
    assert!(matches!(carol.join(&welcome), Err(ClientError::Group(_))));
    assert!(carol.group_ids().unwrap().is_empty());
    carol.register_external_psk(b"shared", &[9; 32]).unwrap();
    let c = carol.join(&welcome).unwrap();
    assert!(agree(&a, &c) && agree(&a, &b));

    // Deleted, the PSK is no longer found: the next such Commit is refused
    // before anything is stored, and the group stays where it was.
    bob.delete_external_psk(b"shared").unwrap();
    let out = a.commit(|c| c.psk(external(b"shared"))).unwrap();
    let epoch = b.epoch();
    assert!(b.receive(&out.commit).is_err());
    assert_eq!(b.epoch(), epoch);
    assert_eq!(bob.group(b.group_id()).unwrap().unwrap().epoch(), epoch);
}
