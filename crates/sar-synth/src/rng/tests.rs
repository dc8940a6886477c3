//! Tests of the PRNG: reference vectors (so the streams never change), ranges, helpers.

use super::*;

#[test]
fn splitmix64_reference_vector() {
    let mut counter = 0;
    assert_eq!(splitmix64(&mut counter), 0xe220_a839_7b1d_cdaf);
    assert_eq!(splitmix64(&mut counter), 0x6e78_9e6a_a1b9_65f4);
}

#[test]
fn xoshiro256starstar_reference_vector() {
    let mut rng = Rng::from_state([1, 2, 3, 4]);
    let outputs: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
    assert_eq!(
        outputs,
        [11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240]
    );
}

#[test]
fn a_seed_gives_a_frozen_stream() {
    let mut rng = Rng::new(42);
    let outputs: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
    assert_eq!(outputs, FROZEN_SEED_42);
    assert_eq!(Rng::new(42), Rng::new(42));
    assert_ne!(Rng::for_stream(42, 0), Rng::for_stream(42, 1));
    assert_ne!(Rng::for_stream(42, 0), Rng::for_stream(43, 0));
}

const FROZEN_SEED_42: [u64; 3] = [
    1_546_998_764_402_558_742,
    6_990_951_692_964_543_102,
    12_544_586_762_248_559_009,
];

#[test]
fn all_zero_state_is_replaced() {
    let mut rng = Rng::from_state([0; 4]);
    assert!((0..4).any(|_| rng.next_u64() != 0));
}

#[test]
fn below_and_range_stay_in_bounds_and_reach_both_ends() {
    let mut rng = Rng::new(7);
    let mut seen = [false; 7];
    for _ in 0..2_000 {
        let value = rng.below(7);
        assert!(value < 7);
        seen[value as usize] = true;
        let ranged = rng.range(-3, 3);
        assert!((-3..=3).contains(&ranged));
        let unit = rng.unit();
        assert!((0.0..1.0).contains(&unit));
    }
    assert!(seen.iter().all(|hit| *hit));
    assert_eq!(rng.below(0), 0);
    assert_eq!(rng.range(5, 5), 5);
    assert_eq!(rng.range(5, 1), 5);
    let full = rng.range(i64::MIN, i64::MAX);
    assert!((i64::MIN..=i64::MAX).contains(&full));
}

#[test]
fn chance_is_roughly_its_probability() {
    let mut rng = Rng::new(3);
    let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
    assert!((2_200..2_800).contains(&hits), "{hits}");
    assert!(!(0..100).any(|_| rng.chance(0.0)));
    assert!((0..100).all(|_| rng.chance(1.0)));
}

#[test]
fn weighted_never_picks_a_zero_weight() {
    let mut rng = Rng::new(5);
    let mut counts = [0; 3];
    for _ in 0..3_000 {
        counts[rng.weighted(&[1, 0, 3])] += 1;
    }
    assert_eq!(counts[1], 0);
    assert!(counts[2] > counts[0] * 2);
    assert_eq!(rng.weighted(&[0, 0]), 0);
}

#[test]
fn shuffle_permutes_and_bytes_fill() {
    let mut rng = Rng::new(9);
    let mut items: Vec<u32> = (0..50).collect();
    rng.shuffle(&mut items);
    let mut sorted = items.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    assert_ne!(items, sorted);
    let bytes: [u8; 10] = rng.bytes();
    assert!(bytes.iter().any(|byte| *byte != 0));
}

#[test]
fn fnv1a_reference_vector() {
    assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
}
