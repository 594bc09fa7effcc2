//! The KeyPackage policy (RFC 9420 §10, §16.8; GUIDANCE G-22 to G-25):
//! replenishment below the low-water mark, a last-resort KeyPackage kept
//! after use and rotated, expiry.

#![allow(clippy::unwrap_used)]

mod support;

use mls_client::KeyPackageSettings;
use mls_group::storage::KeyPackageStore;
use support::{TestClock, agree, client, client_with_clock};

const DAY: u64 = 24 * 60 * 60;

fn settings() -> KeyPackageSettings {
    KeyPackageSettings {
        target: 3,
        low_water: 2,
        lifetime: 10 * DAY,
        last_resort: true,
        last_resort_rotation: 5 * DAY,
    }
}

fn counts(store: &dyn KeyPackageStore) -> (usize, usize) {
    let refs = store.key_package_refs().unwrap();
    let last_resort = refs.iter().filter(|r| r.1).count();
    (refs.len() - last_resort, last_resort)
}

#[test]
fn single_use_key_packages_are_replenished_below_the_low_water_mark() {
    let (alice, _) = client("alice");
    let clock = TestClock::now_();
    let (bob, store) = client_with_clock("bob", clock, settings());
    let first = bob.key_packages_to_publish().unwrap();
    assert_eq!(first.len(), 4, "three single-use and the last-resort one");
    assert_eq!(counts(store.as_ref()), (3, 1));
    assert!(bob.key_packages_to_publish().unwrap().is_empty());

    let mut a = alice.create_group().unwrap();
    // One used: 2 left, not below the mark.
    let out = a.commit(|c| c.add_member(first[0].clone())).unwrap();
    a.merge_pending_commit().unwrap();
    let b = bob.join(&out.welcome.unwrap()).unwrap();
    assert!(agree(&a, &b));
    assert_eq!(counts(store.as_ref()), (2, 1));
    assert!(bob.key_packages_to_publish().unwrap().is_empty());

    // A second one used in another group: 1 left, replenished to 3.
    let mut a2 = alice.create_group().unwrap();
    let out = a2.commit(|c| c.add_member(first[1].clone())).unwrap();
    a2.merge_pending_commit().unwrap();
    bob.join(&out.welcome.unwrap()).unwrap();
    assert_eq!(counts(store.as_ref()), (1, 1));
    assert_eq!(bob.key_packages_to_publish().unwrap().len(), 2);
    assert_eq!(counts(store.as_ref()), (3, 1));
}

#[test]
fn the_last_resort_key_package_is_kept_after_use_and_rotated() {
    let (alice, _) = client("alice");
    let clock = TestClock::now_();
    let (bob, store) = client_with_clock("bob", clock.clone(), settings());
    let first = bob.key_packages_to_publish().unwrap();
    let last_resort = first.last().unwrap().clone();

    // Two groups add Bob with the same last-resort KeyPackage: both joins
    // work, and it is still stored.
    for _ in 0..2 {
        let mut a = alice.create_group().unwrap();
        let out = a.commit(|c| c.add_member(last_resort.clone())).unwrap();
        a.merge_pending_commit().unwrap();
        let b = bob.join(&out.welcome.unwrap()).unwrap();
        assert!(agree(&a, &b));
        assert_eq!(counts(store.as_ref()), (3, 1));
    }
    // Used: the next call makes a new one; the old one stays until it expires.
    let new = bob.key_packages_to_publish().unwrap();
    assert_eq!(new.len(), 1);
    assert_ne!(new[0], last_resort);
    assert_eq!(counts(store.as_ref()), (3, 2));
    assert!(bob.key_packages_to_publish().unwrap().is_empty());

    // Unused but old: rotated after `last_resort_rotation`.
    clock.advance(5 * DAY);
    assert_eq!(bob.key_packages_to_publish().unwrap().len(), 1);
    assert_eq!(counts(store.as_ref()), (3, 3));

    // After the lifetime every KeyPackage made on day 0 is deleted; three
    // single-use ones replace them, and the last-resort one of day 5, now
    // due for rotation too, gets a successor (it stays until it expires).
    clock.advance(5 * DAY + 1);
    let renewed = bob.key_packages_to_publish().unwrap();
    assert_eq!(renewed.len(), 4);
    assert_eq!(counts(store.as_ref()), (3, 2));
}
